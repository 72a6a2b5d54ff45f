use crate::helpers::{id_no, spawn_app};
use domain::roster::Cell;
use serde_json::json;
use std::ops::ControlFlow;
use store::Actor;
use web::roster::{ImportOptions, write_report};

async fn admin(app: &crate::helpers::TestApp) -> Actor {
    Actor::system(store::unions::root(&app.db).await.unwrap().unwrap().org_path())
}

fn opts(path: &std::path::Path, apply_transfers: bool) -> ImportOptions {
    ImportOptions { path: path.to_path_buf(), sheet: None, apply_transfers, display_name: None, stop: None }
}

async fn import_members(
    db: &store::Db,
    actor: &Actor,
    opts: &ImportOptions,
) -> anyhow::Result<web::roster::ImportResult> {
    web::roster::import_members(db, actor, opts, |_| {}).await
}

/// A roster as cadres really send them: a title row, columns in their own order, an extra
/// column, full-width digits, an ID typed as a number, duplicates, people already registered.
fn messy_roster(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "建阳镇会员花名册（2026年）").unwrap();
    let header = ["序号", "所属工会", "姓名", "身份证号码", "手机", "岗位", "入会日期", "是否农民工"];
    for (i, h) in header.iter().enumerate() {
        ws.write_string(2, i as u16, *h).unwrap();
    }
    let new_id = id_no("320925", "19960315", 21);
    let full_width: String = new_id.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    let rows: Vec<Vec<&str>> = vec![
        vec!["1", "A-001", "赵新", &full_width, "+86 139-0000-0001", "装配工", "2024/3/1", "是"],
        vec!["2", "湖光纺织公司工会", "钱多", "", "13900000002", "", "2024年3月1日", "否"],
        vec!["3", "A-001", "孙数", "", "13900000003", "", "", ""],
        vec!["4", "A-001", "李号", "", "12345", "", "", ""],
        vec!["5", "A-001", "赵新", &new_id, "", "", "", ""],
        vec!["6", "A-001", "张阳光", "", "13912340001", "钳工", "2020-05-01", "否"],
        vec!["7", "A-001", "李湖光", "", "13912340002", "", "2020-05-01", "否"],
        vec!["8", "不存在的工会", "周无", "", "", "", "", ""],
    ];
    let ids = [
        "",
        &id_no("320925", "19850707", 33),
        "",
        &id_no("320925", "19790101", 55),
        "",
        &id_no("320925", "19880512", 31),
        &id_no("320925", "19900101", 42),
        &id_no("320925", "19700101", 66),
    ];
    for (r, row) in rows.iter().enumerate() {
        let y = 3 + r as u32;
        for (c, v) in row.iter().enumerate() {
            let v = if c == 3 && v.is_empty() { ids[r] } else { v };
            if !v.is_empty() {
                ws.write_string(y, c as u16, v).unwrap();
            }
        }
    }
    ws.write_number(5, 3, 320925199001011234.0).unwrap(); // row 6 in Excel: ID typed as a number
    wb.save(path).unwrap();
}

#[tokio::test]
async fn messy_xlsx_imports_exactly_and_twice_changes_nothing() {
    let app = spawn_app().await;
    let actor = admin(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roster.xlsx");
    messy_roster(&file);

    let r = import_members(&app.db, &actor, &opts(&file, false)).await.unwrap();
    let c = r.counts;
    assert_eq!((c.new, c.updated, c.unchanged, c.transfers, c.rejected), (2, 1, 0, 1, 4), "{:?}", r.errors);
    let reason = |row: usize| {
        r.errors
            .iter()
            .filter(|e| e.row == row)
            .map(|e| format!("{}:{}", e.column, e.reason))
            .collect::<Vec<_>>()
            .join("|")
    };
    assert!(reason(6).contains("身份证号:身份证号被 Excel 存成了数字"), "{}", reason(6));
    assert!(reason(7).contains("手机号"), "{}", reason(7));
    assert!(reason(8).contains("与第 4 行是同一人"), "{}", reason(8));
    assert!(reason(11).contains("工会“不存在的工会”不存在"), "{}", reason(11));
    assert_eq!(r.transfers.len(), 1);
    assert_eq!((r.transfers[0].row, r.transfers[0].applied), (10, false));

    let token = app.token("admin").await;
    let (_, m) = app.get(&token, &format!("/api/v1/members/{}", app.member_a)).await;
    assert_eq!(m["job"], "钳工", "row 9 updated the existing member");
    let (_, list) = app.get(&token, "/api/v1/members?q=赵新").await;
    assert_eq!(list["items"][0]["phone"], "13900000001");
    assert_eq!(list["items"][0]["migrant"], true);
    assert_eq!(list["items"][0]["joined_on"], "2024-03-01");
    let (_, all) = app.get(&token, "/api/v1/members").await;
    assert_eq!(all["total"], 4);

    // The report lists the rejected rows with their original values and the reasons.
    let report = dir.path().join("report.xlsx");
    write_report(&r, &report).unwrap();
    let mut lines = Vec::new();
    sheets::read_rows(&report, None, sheets::Limits::default(), |_, cells| {
        lines.push(cells);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(lines.len(), 5, "header + 4 rejected rows");
    let rows: Vec<Cell> = lines[1..].iter().map(|l| l[0].clone()).collect();
    assert_eq!(rows, ["6", "7", "8", "11"].map(|r| Cell::Text(r.into())), "in file order");
    assert_eq!(lines[1][3], Cell::Text("孙数".into()), "original values kept");
    // Rows refused while matching keep every cell too: the duplicate (row 8) and the unknown
    // union (row 11).
    assert_eq!(lines[3][2..5], ["A-001", "赵新", &id_no("320925", "19960315", 21)].map(|t| Cell::Text(t.into())));
    assert_eq!(lines[4][2..4], ["不存在的工会", "周无"].map(|t| Cell::Text(t.into())));
    assert_eq!(lines[4][4], Cell::Text(id_no("320925", "19700101", 66)));

    // Again: nothing changes, and it says so.
    let again = import_members(&app.db, &actor, &opts(&file, false)).await.unwrap();
    let c = again.counts;
    assert_eq!((c.new, c.updated, c.unchanged, c.transfers, c.rejected), (0, 0, 3, 1, 4));
    let (_, all) = app.get(&token, "/api/v1/members").await;
    assert_eq!(all["total"], 4);

    // Confirmed transfers move the member, with history.
    let applied = import_members(&app.db, &actor, &opts(&file, true)).await.unwrap();
    assert!(applied.transfers[0].applied);
    let (_, b) = app.get(&token, &format!("/api/v1/members/{}", app.member_b)).await;
    assert_eq!(b["union_code"], "A-001");
    let (_, log) = app.get(&token, "/api/v1/audit?action=member.import").await;
    assert_eq!(log["total"], 3);

    // The cadre corrects the report (the unknown union becomes B-001, the duplicate gets its
    // own ID number) and imports it: exactly the corrected rows come in.
    let corrected = dir.path().join("corrected.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (y, line) in lines.iter().enumerate() {
            for (x, c) in line.iter().enumerate() {
                let mut v = match c {
                    Cell::Text(t) => t.clone(),
                    other => other.text(),
                };
                if y == 3 && x == 4 {
                    v = id_no("320925", "19960316", 22);
                }
                if y == 4 && x == 2 {
                    v = "B-001".into();
                }
                ws.write_string(y as u32, x as u16, v).unwrap();
            }
        }
        wb.save(&corrected).unwrap();
    }
    let fixed = import_members(&app.db, &actor, &opts(&corrected, false)).await.unwrap();
    let c = fixed.counts;
    assert_eq!((c.new, c.rejected), (2, 2), "rows 8 and 11 come in; 6 and 7 still need fixing: {:?}", fixed.errors);
    let (_, zhou) = app.get(&token, "/api/v1/members?q=周无").await;
    assert_eq!(zhou["items"][0]["union_code"], "B-001");
    let (_, all) = app.get(&token, "/api/v1/members").await;
    assert_eq!(all["total"], 6);
}

#[tokio::test]
async fn gbk_csv_and_scope() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gbk.csv");
    let content = format!(
        "姓名,身份证号,所属工会,入会日期\n吴一,{},B-001,20230501\n郑二,{},A-001,2023-5-1\n",
        id_no("320925", "19920202", 11),
        id_no("320925", "19930303", 13)
    );
    std::fs::write(&file, encoding_rs::GBK.encode(&content).0).unwrap();

    // Town B's cadre cannot put anyone into town A's union.
    let root = admin(&app).await;
    let town_b = store::unions::by_code(&app.db, &root, "320925102").await.unwrap();
    let cadre = Actor { role: domain::Role::Cadre, scope: domain::Scope::Subtree(town_b.org_path()), ..root.clone() };
    let r = import_members(&app.db, &cadre, &opts(&file, false)).await.unwrap();
    assert_eq!((r.counts.new, r.counts.rejected), (1, 1));
    assert_eq!(r.errors[0].row, 3);
    assert!(r.errors[0].reason.contains("不在您的管辖范围内"));

    let leader = Actor { role: domain::Role::Leader, ..root };
    assert!(import_members(&app.db, &leader, &opts(&file, false)).await.is_err(), "leaders do not write");

    let no_header = dir.path().join("none.csv");
    std::fs::write(&no_header, "a,b\n1,2\n").unwrap();
    let e = import_members(&app.db, &cadre, &opts(&no_header, false)).await.err().unwrap();
    assert!(e.to_string().contains("找不到表头"));
}

async fn download(app: &crate::helpers::TestApp, token: &str, query: &str) -> (reqwest::StatusCode, Vec<u8>) {
    let r = app.client.get(app.url(&format!("/api/v1/members/export{query}"))).bearer_auth(token).send().await.unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

fn sheet_rows(bytes: &[u8], ext: &str) -> Vec<Vec<Cell>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("x.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let mut out = Vec::new();
    sheets::read_rows(&path, None, sheets::Limits::default(), |_, cells| {
        out.push(cells);
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

#[tokio::test]
async fn export_is_scoped_masked_unless_revealed_and_audited() {
    let app = spawn_app().await;
    let full_a = id_no("320925", "19880512", 31);

    let (s, bytes) = download(&app, &app.token("admin").await, "").await;
    assert_eq!(s, 200);
    let rows = sheet_rows(&bytes, "xlsx");
    assert_eq!(rows.len(), 3, "header + 2 members");
    assert_eq!(rows[0][0], Cell::Text("姓名".into()));
    assert_eq!(rows[1][1], Cell::Text(format!("{}********{}", &full_a[..6], &full_a[14..])));

    let (_, bytes) = download(&app, &app.token("cadre_b").await, "?format=csv").await;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let rows = sheet_rows(&bytes, "csv");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], Cell::Text("李湖光".into()));
    // A name that a spreadsheet would run as a formula is written so it is only shown.
    let admin = app.token("admin").await;
    let (s, b) = app
        .send(reqwest::Method::PATCH, &admin, &format!("/api/v1/members/{}", app.member_b), json!({"name": "=1+2"}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, bytes) = download(&app, &app.token("cadre_b").await, "?format=csv").await;
    assert!(String::from_utf8_lossy(&bytes).contains("\n'=1+2,"), "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(sheet_rows(&bytes, "csv")[1][0], Cell::Text("=1+2".into()), "and reads back as it was");
    let (s, _) = download(&app, &app.token("cadre_b").await, "?union=A-001").await;
    assert_eq!(s, 404);

    let (s, _) = download(&app, &app.token("leader").await, "?reveal=true").await;
    assert_eq!(s, 403);
    let (s, bytes) = download(&app, &app.token("cadre_a").await, "?reveal=true&union=A-001").await;
    assert_eq!(s, 200);
    assert_eq!(sheet_rows(&bytes, "xlsx")[1][1], Cell::Text(full_a.clone()));

    let (_, log) = app.get(&app.token("admin").await, "/api/v1/audit?action=member.export").await;
    assert_eq!(log["total"], 4, "every export, the formula check's too");
    assert!(log["items"][0]["detail"].as_str().unwrap().contains("完整身份证号"));

    // The page button, with the session cookie.
    app.page_login("cadre_a").await;
    let r = app.client.get(app.url("/members/export?union=A-001")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
}

fn multipart(path: &std::path::Path, name: &str, extra: &[(&str, &str)]) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(std::fs::read(path).unwrap()).file_name(name.to_string());
    extra
        .iter()
        .fold(reqwest::multipart::Form::new().part("file", part), |f, (k, v)| f.text(k.to_string(), v.to_string()))
}

async fn wait_done(app: &crate::helpers::TestApp, token: &str, id: i64) -> serde_json::Value {
    for _ in 0..600 {
        let (_, job) = app.get(token, &format!("/api/v1/imports/{id}")).await;
        if job["status"] != "running" && job["status"] != "queued" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("import {id} did not finish");
}

#[tokio::test]
async fn upload_runs_as_a_job_with_a_report() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roster.xlsx");
    messy_roster(&file);
    let admin = app.token("admin").await;

    let r = app
        .client
        .post(app.url("/api/v1/imports/members"))
        .bearer_auth(&admin)
        .multipart(multipart(&file, "花名册.xlsx", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let started: serde_json::Value = r.json().await.unwrap();
    assert_eq!(started["file_name"], "花名册.xlsx");
    let id = started["id"].as_i64().unwrap();
    let job = wait_done(&app, &admin, id).await;
    assert_eq!(job["status"], "done", "{job}");
    let counts: Vec<i64> = ["new_count", "updated_count", "unchanged_count", "transfer_count", "rejected_count"]
        .iter()
        .map(|k| job[*k].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [2, 1, 0, 1, 4]);
    let (read, total) = (job["rows_read"].as_i64().unwrap(), job["rows_total"].as_i64().unwrap());
    assert!(read >= 8 && total >= read, "the sheet's declared size is kept for progress: {job}");
    assert_eq!(job["errors"].as_array().unwrap().len(), 4);
    assert_eq!(job["has_report"], 1);
    // The audit names the file as its sender called it; the stored copy is gone, and was
    // readable by the server's user alone.
    let (_, log) = app.get(&admin, "/api/v1/audit?action=member.import").await;
    assert!(log["items"][0]["detail"].as_str().unwrap_or_default().contains("花名册.xlsx"), "{log}");
    let left: Vec<_> = std::fs::read_dir(app.settings.data_dir.join("uploads")).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
    // A body declared larger than the limit is refused before a byte of it is read.
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/v1/imports/members HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 9999999999\r\n\r\n"
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::io::AsyncReadExt::read(&mut stream, &mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("MB"), "the limit is said: {answer}");
    let r = app.client.get(app.url(&format!("/api/v1/imports/{id}/report"))).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sheet_rows(&r.bytes().await.unwrap(), "xlsx").len(), 5);

    // Someone else's job is not there for them.
    let (s, _) = app.get(&app.token("cadre_b").await, &format!("/api/v1/imports/{id}")).await;
    assert_eq!(s, 404);
    // Readers cannot upload; wrong file types are refused before anything runs.
    let r = app
        .client
        .post(app.url("/api/v1/imports/members"))
        .bearer_auth(app.token("leader").await)
        .multipart(multipart(&file, "a.xlsx", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(app.url("/api/v1/imports/members"))
        .bearer_auth(&admin)
        .multipart(multipart(&file, "a.pdf", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"]["message_zh"].as_str().unwrap().contains(".xlsx"));

    let r = app.client.get(app.url("/api/v1/imports/template/members")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let header = &sheet_rows(&r.bytes().await.unwrap(), "xlsx")[0];
    assert_eq!(header[0], Cell::Text("姓名".into()));
    assert_eq!(header[1], Cell::Text("身份证号".into()));
}

#[tokio::test]
async fn upload_page_with_csrf_and_status_page() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roster.csv");
    std::fs::write(&file, format!("姓名,身份证号,所属工会\n孔新,{},A-001\n", id_no("320925", "19910909", 19))).unwrap();
    app.page_login("cadre_a").await;
    let r = app.client.post(app.url("/imports")).multipart(multipart(&file, "r.csv", &[])).send().await.unwrap();
    assert_eq!(r.status(), 403, "no CSRF token, no import");
    let csrf = app.csrf().await;
    let r = app
        .client
        .post(app.url("/imports"))
        .multipart(multipart(&file, "r.csv", &[("csrf", &csrf)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&app, &app.token("cadre_a").await, id).await;
    assert_eq!(job["new_count"], 1);
    let (s, page) = app.page(&location).await;
    assert_eq!(s, 200);
    assert!(page.contains("导入完成") && page.contains("r.csv"), "{page}");
    let (_, list) = app.page("/imports").await;
    assert!(list.contains("r.csv") && list.contains("下载导入模板"));

    // The second form: a union roster, under the cadre's own town.
    let unions = dir.path().join("u.csv");
    std::fs::write(&unions, "工会名称,工会代码,上级工会\n新建机械公司工会,A-200,320925101\n").unwrap();
    let r = app
        .client
        .post(app.url("/imports"))
        .multipart(multipart(&unions, "u.csv", &[("csrf", &csrf), ("kind", "unions")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&app, &app.token("cadre_a").await, id).await;
    assert_eq!((job["kind"].as_str(), job["new_count"].as_i64()), (Some("unions"), Some(1)), "{job}");
    let (_, page) = app.page(&location).await;
    assert!(page.contains("工会名册") && !page.contains("转会"), "{page}");
}

#[tokio::test]
async fn union_roster_creates_updates_and_refuses() {
    let app = spawn_app().await;
    let actor = admin(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unions.csv");
    std::fs::write(
        &file,
        "建湖县基层工会名册\n\
         工会名称,工会代码,上级工会,单位名称,统一社会信用代码,行业,所在镇街/行政区划代码,职工人数,建会日期,工会主席\n\
         建湖县宏达机械有限公司工会,A-100,建阳镇总工会,建湖县宏达机械有限公司,91350100M000100Y43,制造业,320925101,85,2019-6-1,陈立\n\
         阳光机械公司工会,A-001,320925101,,,,,,,王新主席\n\
         某公司工会,X-1,不存在的镇总工会,,,,,,,\n\
         坏代码公司工会,A-101,320925101,坏代码公司,91350100M000100Y44,,,,,\n\
         宏达机械一车间分工会,A-100-1,A-100,,,,,,,\n",
    )
    .unwrap();
    let r = web::roster::import_unions(&app.db, &actor, &file, None).await.unwrap();
    assert_eq!((r.created, r.updated, r.unchanged, r.rejected_rows.len()), (2, 1, 0, 2), "{:?}", r.errors);
    assert!(r.errors.iter().any(|e| e.row == 5 && e.reason.contains("不存在的镇总工会")));
    assert!(r.errors.iter().any(|e| e.row == 6 && e.reason.contains("校验位")));

    let token = app.token("admin").await;
    let (_, u) = app.get(&token, "/api/v1/unions/A-100").await;
    assert_eq!(u["name"], "建湖县宏达机械有限公司工会");
    assert_eq!(u["full_name"], "建湖县总工会 / 建阳镇总工会 / 建湖县宏达机械有限公司工会");
    assert_eq!(u["enterprises"][0]["credit_code"], "91350100M000100Y43");
    assert_eq!(u["enterprises"][0]["industry"], "C");
    assert_eq!(u["headcount"], 85);
    let (_, a1) = app.get(&token, "/api/v1/unions/A-001").await;
    assert_eq!(a1["chair"], "王新主席");

    let again = web::roster::import_unions(&app.db, &actor, &file, None).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged, again.rejected_rows.len()), (0, 0, 3, 2));

    // Town B's cadre cannot hang unions under town A.
    let root = admin(&app).await;
    let town_b = store::unions::by_code(&app.db, &root, "320925102").await.unwrap();
    let cadre = Actor { role: domain::Role::Cadre, scope: domain::Scope::Subtree(town_b.org_path()), ..root };
    let r = web::roster::import_unions(&app.db, &cadre, &file, None).await.unwrap();
    assert_eq!(r.created + r.updated + r.unchanged, 0);
    assert_eq!(r.rejected_rows.len(), 5);

    // The same through the API, as a job with a report: town B's cadre changes nothing, and
    // cannot see the admin's job.
    let upload = async |token: &str| -> i64 {
        let r = app
            .client
            .post(app.url("/api/v1/imports/unions"))
            .bearer_auth(token)
            .multipart(multipart(&file, "工会名册.csv", &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
    };
    let cadre_b = app.token("cadre_b").await;
    let id = upload(&cadre_b).await;
    let job = wait_done(&app, &cadre_b, id).await;
    assert_eq!(job["kind"], "unions");
    assert_eq!((job["new_count"].as_i64(), job["rejected_count"].as_i64()), (Some(0), Some(5)), "{job}");
    let id = upload(&token).await;
    let job = wait_done(&app, &token, id).await;
    assert_eq!(job["status"], "done", "{job}");
    let counts: Vec<i64> = ["new_count", "updated_count", "unchanged_count", "rejected_count"]
        .iter()
        .map(|k| job[*k].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [0, 0, 3, 2]);
    assert_eq!(job["has_report"], 1);
    let (s, _) = app.get(&cadre_b, &format!("/api/v1/imports/{id}")).await;
    assert_eq!(s, 404);
    let r = app.client.get(app.url(&format!("/api/v1/imports/{id}/report"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(sheet_rows(&r.bytes().await.unwrap(), "xlsx").len(), 3, "header and the two refused rows");
    // Readers cannot upload.
    let r = app
        .client
        .post(app.url("/api/v1/imports/unions"))
        .bearer_auth(app.token("leader").await)
        .multipart(multipart(&file, "u.csv", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

/// What a role may read never adds up to an ID number it may not reveal: the mask hides
/// characters 7–14, and those roles see the birth year, not the date (which is those
/// characters), in the API, on the pages and in exports.
#[tokio::test]
async fn no_role_rebuilds_an_id_number_it_may_not_reveal() {
    let app = spawn_app().await;
    let full_a = id_no("320925", "19880512", 31);
    for role in ["leader", "dept"] {
        let token = app.token(role).await;
        let (_, one) = app.get(&token, &format!("/api/v1/members/{}", app.member_a)).await;
        assert_eq!(one["birth_date"], "1988", "{role}: {one}");
        let (_, list) = app.get(&token, "/api/v1/members").await;
        for m in list["items"].as_array().unwrap() {
            assert_eq!(m["birth_date"].as_str().unwrap().len(), 4, "{role}: {m}");
        }
        let (s, bytes) = download(&app, &token, "?format=csv").await;
        assert_eq!(s, 200);
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("1988-05-12") && !text.contains(&full_a), "{role}: {text}");
        app.page_login(role).await;
        let (_, html) = app.page(&format!("/members/{}", app.member_a)).await;
        assert!(html.contains("出生年份") && !html.contains("1988-05-12") && !html.contains(&full_a), "{role}");
    }
    // A role that may reveal sees the date (and could reveal the number, with a reason).
    let (_, one) = app.get(&app.token("cadre_a").await, &format!("/api/v1/members/{}", app.member_a)).await;
    assert_eq!(one["birth_date"], "1988-05-12");
    // The export's audit line says what of a person's identity the file holds.
    let (_, log) = app.get(&app.token("admin").await, "/api/v1/audit?action=member.export").await;
    assert!(log["items"][0]["detail"].as_str().unwrap().contains("出生年份"), "{log}");
}

/// One import at a time on a node: a second upload waits its turn, shown as queued, and then
/// runs to the end.
#[tokio::test]
async fn a_second_upload_waits_its_turn() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let mut csv = String::from("姓名,身份证号,所属工会\n");
    for i in 0..20_000u32 {
        let birth = format!("1980{:02}{:02}", i / 999 / 28 % 12 + 1, i / 999 % 28 + 1);
        csv.push_str(&format!("排队{i},{},A-001\n", id_no("320925", &birth, i % 999 + 1)));
    }
    std::fs::write(&big, csv).unwrap();
    let small = dir.path().join("small.csv");
    std::fs::write(&small, format!("姓名,身份证号,所属工会\n等候,{},B-001\n", id_no("320925", "19900101", 7))).unwrap();
    let send = |file: std::path::PathBuf, name: &'static str| {
        app.client
            .post(app.url("/api/v1/imports/members"))
            .bearer_auth(&admin)
            .multipart(multipart(&file, name, &[]))
            .send()
    };
    let first = send(big, "big.csv").await.unwrap().json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let second = send(small, "small.csv").await.unwrap().json::<serde_json::Value>().await.unwrap();
    assert_eq!(second["status"], "queued", "{second}");
    let second = second["id"].as_i64().unwrap();
    assert_eq!(wait_done(&app, &admin, first).await["new_count"], 20_000);
    let job = wait_done(&app, &admin, second).await;
    assert_eq!((job["status"].as_str(), job["new_count"].as_i64()), (Some("done"), Some(1)), "{job}");
}
