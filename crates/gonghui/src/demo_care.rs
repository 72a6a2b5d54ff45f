//! A year of 五必 care in the demo county: events recorded for members through the real store
//! (so every obligation is a real work item with its policy deadline), most obligations done on
//! time, some late, the newest still open; payments within the policy's range, the larger ones
//! approved by the county; a budget for this year and last.

use anyhow::Context;
use domain::care::CareEventKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::care::{NewEvent, NewPayment};
use store::{Actor, Db};
use time::{Date, Duration};

pub(crate) struct CareReport {
    pub events: usize,
    pub payments: usize,
}

const KINDS: &[(CareEventKind, u32, &[&str])] = &[
    (CareEventKind::Marriage, 15, &["新婚", "喜结良缘"]),
    (CareEventKind::Childbirth, 12, &["喜得千金", "喜得贵子"]),
    (CareEventKind::Award, 6, &["获评县级先进工作者", "获市五一劳动奖章", "技能竞赛一等奖"]),
    (CareEventKind::Hospitalisation, 25, &["阑尾炎手术", "骨折住院", "肺炎住院", "心脏支架手术"]),
    (CareEventKind::Illness, 7, &["确诊恶性肿瘤", "尿毒症透析", "脑梗后遗症"]),
    (CareEventKind::Bereavement, 10, &["父亲病故", "母亲病故", "配偶病故"]),
    (CareEventKind::Disaster, 3, &["房屋因暴雨受损", "家中失火"]),
    (CareEventKind::Retirement, 12, &["光荣退休"]),
    (CareEventKind::Hardship, 6, &["配偶失业，子女上学", "因病致贫", "单亲家庭"]),
];

pub(crate) async fn generate(
    db: &Db,
    admin: &Actor,
    events: usize,
    seed: u64,
    today: Date,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<CareReport> {
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_ca4e);
    let Some((lo, hi)) = store::members::id_range(db).await? else {
        return Ok(CareReport { events: 0, payments: 0 });
    };
    let year = today.year() as i64;
    let per_year = ((hi - lo + 1) * 3).max(100_000).to_string();
    store::care::set_budget(db, admin, year - 1, &per_year).await?;
    store::care::set_budget(db, admin, year, &per_year).await?;
    let total_weight: u32 = KINDS.iter().map(|k| k.1).sum();

    // Oldest first, so the county's history reads in order.
    let mut plan: Vec<(Date, i64, usize)> = (0..events)
        .map(|_| {
            let day = today - Duration::days(rng.gen_range(0..365));
            let member = rng.gen_range(lo..=hi);
            let mut w = rng.gen_range(0..total_weight);
            let k = KINDS.iter().position(|k| {
                if w < k.1 {
                    true
                } else {
                    w -= k.1;
                    false
                }
            });
            (day, member, k.unwrap_or(0))
        })
        .collect();
    plan.sort();
    let mut payments = 0;
    for (day, member, k) in plan {
        let (kind, _, notes) = KINDS[k];
        let recorded = cal.add_working_days(day, rng.gen_range(0..=1)).min(today);
        let note = notes[rng.gen_range(0..notes.len())].to_string();
        let ev = NewEvent {
            member_id: Some(member),
            kind: kind.code().into(),
            date: domain::fmt_date(day),
            note: Some(note),
        };
        let d = store::care::record_event(db, &cal, admin, &ev, recorded).await.context("关爱事件")?;
        for o in &d.obligations {
            let Some(due) = domain::parse_date(&o.due) else { continue };
            let days = cal.working_days_between(recorded, due).max(1) as u32;
            // Nine in ten on time; the rest a few working days late.
            let done = if rng.gen_bool(0.9) {
                cal.add_working_days(recorded, rng.gen_range(0..=days))
            } else {
                cal.add_working_days(due, rng.gen_range(1..=6))
            };
            if done > today {
                continue;
            }
            if o.action == "payment" && o.max_fen > 0 {
                let steps = (o.max_fen - o.min_fen) / 10_000;
                let amount = (o.min_fen + 10_000 * rng.gen_range(0..=steps)) / 100;
                let p = NewPayment {
                    event_id: Some(d.event.id),
                    amount: amount.to_string(),
                    paid_on: Some(domain::fmt_date(done)),
                    ..Default::default()
                };
                match store::care::pay(db, &cal, admin, &p, done).await {
                    Ok(p) => {
                        payments += 1;
                        if p.status == "pending" {
                            store::care::decide(db, &cal, admin, p.id, true, done).await?;
                        }
                        continue;
                    }
                    // Over the person's yearly cap: the obligation is closed without paying.
                    Err(e) if e.is_bad_input() => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let result = match o.action.as_str() {
                "congratulate" => "工会主席登门祝贺，送上贺卡",
                "visit" => "工会干部上门走访慰问，了解困难",
                "help" => "已建立帮扶台账，落实结对帮扶",
                _ => "已按标准发放",
            };
            let form =
                store::work::ActionForm { action: "resolve".into(), result: Some(result.into()), ..Default::default() };
            store::work::act(db, &cal, admin, o.work_item_id, &form, done).await.context("关爱事项办结")?;
        }
        bar.inc(1);
    }
    Ok(CareReport { events, payments })
}
