//! What the store-level benchmarks share: a duration as they print it, the median and the worst
//! of `n` runs after three to warm up, and a demo user's actor.

#![allow(dead_code)]

use std::time::{Duration, Instant};

pub fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1000.0)
}

/// (median, worst) of `n` runs of `f`, after three unmeasured ones.
pub async fn time<F, Fut, T>(n: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for _ in 0..3 {
        f().await;
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        std::hint::black_box(f().await);
        v.push(t.elapsed());
    }
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

/// A demo user, signed in, as the store sees them.
pub async fn actor(db: &store::Db, username: &str) -> anyhow::Result<store::Actor> {
    let s = store::users::login(db, username, gonghui::demo::DEMO_PASSWORD, None)
        .await
        .map_err(|e| anyhow::anyhow!("login {username}: {e:?}"))?;
    let info = store::users::session(db, &s.token, None).await?.ok_or_else(|| anyhow::anyhow!("no session"))?;
    Ok(info.actor)
}
