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
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
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
        assert_eq!(std::fs::metadata(d.join("id.key")).unwrap().permissions().mode() & 0o777, 0o600);
    }

    let o = gonghui(d, &["user", "add", "admin", "--password", "long-enough-1", "--role", "county-admin"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("尚未建立组织"), "{}", text(&o));

    let o = gonghui(d, &["init", "--name", "建湖县总工会", "--division", "320925"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["init", "--name", "又一个", "--division", "320925"]);
    assert!(!o.status.success(), "a second root is refused");

    let o = gonghui(d, &["user", "add", "admin", "--password", "long-enough-1", "--role", "county-admin"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "xx", "--password", "long-enough-1", "--role", "emperor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("角色应为"), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "yy", "--password", "short", "--role", "leader"]);
    assert!(text(&o).contains("密码至少 8 个字符"), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "zz", "--password", "long-enough-1", "--role", "cadre"]);
    assert!(text(&o).contains("--union"), "{}", text(&o));

    let o = gonghui(d, &["user", "list"]);
    let listing = text(&o);
    assert!(listing.contains("admin") && listing.contains("county-admin") && !listing.contains(" xx "), "{listing}");

    let o = gonghui(d, &["user", "passwd", "admin", "--password", "another-pass-2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["user", "passwd", "nobody", "--password", "another-pass-2"]);
    assert!(text(&o).contains("没有用户 nobody"));

    let o = gonghui(d, &["--database", "mysql://localhost/x", "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(msg.contains("不支持的数据库地址") && !msg.contains("panicked"), "{msg}");
    let o = gonghui(d, &["--database", "postgres://u:secret@127.0.0.1:1/none", "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(msg.contains("无法打开数据库") && !msg.contains("secret"), "{msg}");
}

#[test]
fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = gonghui(dir.path(), &["demo", "--members", "500", "--seed", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("500 名会员") && out.contains("jianyang") && out.contains("gonghui-demo"), "{out}");
    let o = gonghui(dir.path(), &["demo", "--members", "500"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("已有组织数据"));
}

#[test]
fn export_then_import_round_trips_and_template_opens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(gonghui(d, &["demo", "--members", "300", "--seed", "9"]).status.success());
    let csv = d.join("all.csv");
    let o = gonghui(d, &["export", "members", csv.to_str().unwrap(), "--reveal"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导出 300 名会员"), "{}", text(&o));
    let o = gonghui(d, &["import", "members", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("新增 0，更新 0，未变 300，转会 0，拒绝 0"), "{}", text(&o));

    let masked = d.join("masked.xlsx");
    assert!(gonghui(d, &["export", "members", masked.to_str().unwrap(), "--union", "320925101"]).status.success());
    let report = d.join("report.xlsx");
    let o = gonghui(d, &["import", "members", masked.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert!(text(&o).contains("新增 0") && text(&o).contains("身份证号"), "masked numbers are refused: {}", text(&o));
    assert!(report.exists());

    let template = d.join("template.xlsx");
    assert!(gonghui(d, &["template", "members", template.to_str().unwrap()]).status.success());
    let o = gonghui(d, &["import", "members", template.to_str().unwrap()]);
    assert!(text(&o).contains("新增 0") && text(&o).contains("拒绝 0"), "{}", text(&o));
    let o = gonghui(d, &["export", "members", d.join("x.pdf").to_str().unwrap()]);
    assert!(text(&o).contains(".xlsx 或 .csv"));
}
