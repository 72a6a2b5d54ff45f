//! The binary as an operator uses it: first run, users, errors.

use std::process::{Command, Output};

fn gonghui(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("GONGHUI_DATABASE_URL")
        .env("GONGHUI_LOG", "warn")
        .output()
        .expect("run gonghui")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn first_run_init_users_and_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Zero configuration: the data folder, database and private key file appear on first use.
    let o = gonghui(d, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(d.join("gonghui.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(d.join("id.key"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }

    let o = gonghui(
        d,
        &[
            "user",
            "add",
            "admin",
            "--password",
            "long-enough-1",
            "--role",
            "county-admin",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("尚未建立组织"), "{}", text(&o));

    let o = gonghui(
        d,
        &["init", "--name", "建湖县总工会", "--division", "320925"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["init", "--name", "又一个", "--division", "320925"]);
    assert!(!o.status.success(), "a second root is refused");

    let o = gonghui(
        d,
        &[
            "user",
            "add",
            "admin",
            "--password",
            "long-enough-1",
            "--role",
            "county-admin",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(
        d,
        &[
            "user",
            "add",
            "xx",
            "--password",
            "long-enough-1",
            "--role",
            "emperor",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("角色应为"), "{}", text(&o));
    let o = gonghui(
        d,
        &[
            "user",
            "add",
            "yy",
            "--password",
            "short",
            "--role",
            "leader",
        ],
    );
    assert!(text(&o).contains("密码至少 8 个字符"), "{}", text(&o));
    let o = gonghui(
        d,
        &[
            "user",
            "add",
            "zz",
            "--password",
            "long-enough-1",
            "--role",
            "cadre",
        ],
    );
    assert!(text(&o).contains("--union"), "{}", text(&o));

    let o = gonghui(d, &["user", "list"]);
    let listing = text(&o);
    assert!(
        listing.contains("admin") && listing.contains("county-admin") && !listing.contains(" xx "),
        "{listing}"
    );

    let o = gonghui(
        d,
        &["user", "passwd", "admin", "--password", "another-pass-2"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(
        d,
        &["user", "passwd", "nobody", "--password", "another-pass-2"],
    );
    assert!(text(&o).contains("没有用户 nobody"));

    let o = gonghui(d, &["--database", "mysql://localhost/x", "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(
        msg.contains("不支持的数据库地址") && !msg.contains("panicked"),
        "{msg}"
    );
    let o = gonghui(
        d,
        &[
            "--database",
            "postgres://u:secret@127.0.0.1:1/none",
            "migrate",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(
        msg.contains("无法打开数据库") && !msg.contains("secret"),
        "{msg}"
    );
}

#[test]
fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = gonghui(dir.path(), &["demo", "--members", "500", "--seed", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("500 名会员") && out.contains("jianyang") && out.contains("gonghui-demo"),
        "{out}"
    );
    let o = gonghui(dir.path(), &["demo", "--members", "500"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("已有组织数据"));
}
