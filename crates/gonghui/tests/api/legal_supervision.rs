//! 企业用工监督: a lead accepted, investigated by two supervisors, an 意见书 answered late and
//! not corrected, a 建议书 filed by the labour department, a referral to the procuratorate; the
//! letters as .docx and printable pages from the county's templates; 企业用工监督率 and
//! 整改回复率; scope, bad input and the loop's refusal to close a step by hand.

use crate::helpers::spawn_app;
use serde_json::json;

fn days_ago(n: i64) -> String {
    domain::fmt_date(web::today() - time::Duration::days(n))
}

async fn working_add(app: &crate::helpers::TestApp, token: &str, date: &str, days: u32) -> String {
    let (s, b) = app.get(token, &format!("/api/v1/calendar/add?date={date}&days={days}")).await;
    assert_eq!(s, 200, "{b}");
    b["date"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_supervision_case_goes_from_lead_to_letters_to_the_labour_department() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a = app.token("cadre_a").await;
    let cadre_b = app.token("cadre_b").await;

    // A lead against an employer named as a cadre knows it: part of its name.
    let lead = json!({"enterprise": "阳光机械", "source": "hotline", "issues": ["wages", "hours", "wages"],
        "facts": "12351 来电：十月起每天加班三小时，未付加班费。", "complainant": "匿名"});
    let (s, d) = app.post(&cadre_a, "/api/v1/legal/supervision", lead.clone()).await;
    assert_eq!(s, 201, "{d}");
    let id = d["case"]["id"].as_i64().unwrap();
    assert_eq!(
        (d["case"]["enterprise_name"].as_str(), d["case"]["issues"].as_str()),
        (Some("建湖县阳光机械有限公司"), Some("wages,hours"))
    );
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("registered"), Some("受理审查")));
    assert_eq!(d["step_due"].as_str().unwrap(), working_add(&app, &admin, &days_ago(0), 5).await);
    // Out of scope answers like missing; the employer is not found from the other town.
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/legal/supervision/{id}")).await.0, 404);
    let (s, b) = app.post(&cadre_b, "/api/v1/legal/supervision", lead).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("enterprise")), "{b}");
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/legal/supervision").await.0, 403);

    // Its step is on the loop and is taken on the case's page, never closed by hand.
    let item = d["case"]["step_item_id"].as_i64().unwrap();
    let (s, b) = app
        .post(&admin, &format!("/api/v1/work/items/{item}/actions"), json!({"action": "resolve", "result": "已处理"}))
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("监督案件页面"), "{b}");

    let (s, d) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/acceptance"), json!({"accept": true})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["may_send"].as_array().unwrap().len()), (Some("investigating"), 1));
    // An 意见书 needs a signed inspection record by two supervisors first.
    let letter = json!({"kind": "opinion", "facts": "2026 年 10 月起安排职工每日延长工作时间 3 小时，未支付加班工资。",
        "basis": "《中华人民共和国劳动法》第四十一条、第四十四条", "requests": "立即停止违法延长工时，补发加班工资。"});
    let (s, b) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/letters"), letter.clone()).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("kind")), "{b}");
    let one = json!({"inspectors": "王监督", "record": "查阅考勤记录", "employer_signed": true});
    let (s, b) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/inspections"), one).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("inspectors")), "{b}");
    let unsigned = json!({"inspectors": "王监督、李监督", "record": "查阅考勤记录", "employer_signed": false});
    let (s, b) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/inspections"), unsigned).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("refusal_note")), "{b}");
    let inspection = json!({"inspected_on": days_ago(1), "inspectors": "王监督、李监督", "record": "查阅 10 月考勤和工资表，加班 66 小时未付加班费。", "employer_signed": true});
    let (s, d) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/inspections"), inspection).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["inspections"][0]["inspectors"], "王监督、李监督");

    // The 意见书: numbered, written from the template, answer due in 15 working days.
    let (s, d) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/letters"), letter).await;
    assert_eq!(s, 200, "{d}");
    let l = d["letters"][0].clone();
    let year = &days_ago(0)[..4];
    assert_eq!(l["doc_no"].as_str().unwrap(), format!("建工监意〔{year}〕1号"), "{l}");
    assert_eq!(l["addressee"], "建湖县阳光机械有限公司");
    let body = l["body"].as_str().unwrap();
    assert!(
        body.starts_with("建湖县阳光机械有限公司：") && body.contains("第四十一条") && !body.contains('{'),
        "{body}"
    );
    assert_eq!(l["reply_due"].as_str().unwrap(), working_add(&app, &admin, &days_ago(0), 15).await);
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("awaiting_reply"), Some("单位书面答复")));
    // Nothing more goes out while the employer's time runs.
    assert!(d["may_send"].as_array().unwrap().is_empty(), "{d}");
    let letter_id = l["id"].as_i64().unwrap();

    // Served (never before it was issued): the answer is due 15 working days from then, and the
    // item follows.
    let serve = async |on: &str| {
        let body = json!({"served_on": on, "served_how": "直接送达，签收人：办公室主任"});
        app.post(&admin, &format!("/api/v1/legal/letters/{letter_id}/service"), body).await
    };
    let (s, b) = serve(&days_ago(3)).await;
    assert_eq!(
        (s.as_u16(), b["error"]["fields"][0]["field"].as_str()),
        (422, Some("served_on")),
        "before it was issued"
    );
    let (s, d) = serve(&days_ago(0)).await;
    assert_eq!(s, 200, "{d}");
    let due = working_add(&app, &admin, &days_ago(0), 15).await;
    assert_eq!(
        (d["letters"][0]["reply_due"].as_str(), d["step_due"].as_str()),
        (Some(due.as_str()), Some(due.as_str()))
    );
    let (s, _) = app
        .post(
            &admin,
            &format!("/api/v1/legal/letters/{letter_id}/service"),
            json!({"served_on": "2026-02-30", "served_how": "x"}),
        )
        .await;
    assert_eq!(s, 422);

    // The .docx and the printable page carry the number.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/legal/letters/{letter_id}/docx")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("工会劳动法律监督意见书") && xml.contains(&format!("建工监意〔{year}〕1号")), "{xml}");
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/legal/letters/{letter_id}/docx")).await.0, 404);

    // The employer disagrees (in time), then does not correct: the county sends a 建议书.
    let (s, d) = app
        .post(
            &admin,
            &format!("/api/v1/legal/letters/{letter_id}/reply"),
            json!({"accepted": false, "reply": "公司认为属于综合计算工时，不同意支付。"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["letters"][0]["in_time"].as_bool()), (Some("verifying"), Some(true)));
    assert_eq!(d["may_send"], json!(["proposal"]), "an opinion was sent: the next is a proposal");
    let (s, _) = app
        .post(&admin, &format!("/api/v1/legal/letters/{letter_id}/reply"), json!({"accepted": true, "reply": "x"}))
        .await;
    assert_eq!(s, 409);
    let proposal = json!({"kind": "proposal", "facts": "该单位违法延长工时且拒不支付加班工资。", "basis": "《中华人民共和国劳动法》第四十四条",
        "requests": "依法责令该单位支付加班工资。"});
    let (s, b) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/letters"), proposal.clone()).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("addressee")), "{b}");
    let mut proposal = proposal;
    proposal["addressee"] = json!("建湖县人力资源和社会保障局");
    let (s, b) = app.post(&cadre_a, &format!("/api/v1/legal/supervision/{id}/letters"), proposal.clone()).await;
    assert_eq!(s, 422, "a proposal is the county's: {b}");
    let (s, d) = app.post(&admin, &format!("/api/v1/legal/supervision/{id}/letters"), proposal).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("with_department"), Some("部门立案")));
    let p = d["letters"][1].clone();
    assert_eq!(p["doc_no"].as_str().unwrap(), format!("建工监建〔{year}〕1号"));
    assert!(p["body"].as_str().unwrap().contains("建湖县阳光机械有限公司存在以下违反"), "{p}");
    assert_eq!(p["reply_due"].as_str().unwrap(), working_add(&app, &admin, &days_ago(0), 5).await);

    // A referral to the procuratorate: county staff, a named group.
    let (s, _) = app
        .post(&admin, &format!("/api/v1/legal/supervision/{id}/referral"), json!({"group": "teachers", "note": "x"}))
        .await;
    assert_eq!(s, 422);
    let (s, b) = app
        .post(
            &cadre_a,
            &format!("/api/v1/legal/supervision/{id}/referral"),
            json!({"group": "migrant_wages", "note": "x"}),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    let (s, d) = app
        .post(
            &admin,
            &format!("/api/v1/legal/supervision/{id}/referral"),
            json!({"group": "migrant_wages", "note": "移送调查记录、意见书及答复"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["case"]["referral_label"], "群体性拖欠农民工工资");

    // The department files the case: closed, handled by the department.
    let pid = p["id"].as_i64().unwrap();
    let (s, d) = app
        .post(&admin, &format!("/api/v1/legal/letters/{pid}/reply"), json!({"accepted": true, "reply": "已立案调查"}))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["case"]["outcome"].as_str()), (Some("closed"), Some("department")));
    assert!(d["step"].is_null());
    let (_, it) = app.get(&admin, &format!("/api/v1/work/items/{}", d["case"]["step_item_id"])).await;
    assert_eq!(it["item"]["status"], "closed", "{it}");

    // A second lead: declined with reasons; a third: a 提示函 only, not yet answered.
    let (_, d2) = app
        .post(&admin, "/api/v1/legal/supervision", json!({"enterprise": "建湖县阳光机械有限公司", "source": "complaint", "issues": ["other"], "facts": "已起诉的工资纠纷"}))
        .await;
    let id2 = d2["case"]["id"].as_i64().unwrap();
    assert_eq!(
        app.post(&admin, &format!("/api/v1/legal/supervision/{id2}/acceptance"), json!({"accept": false})).await.0,
        422
    );
    let (s, d2) = app
        .post(
            &admin,
            &format!("/api/v1/legal/supervision/{id2}/acceptance"),
            json!({"accept": false, "reason": "已向人民法院起诉"}),
        )
        .await;
    assert_eq!((s.as_u16(), d2["case"]["outcome"].as_str()), (200, Some("declined")));

    // The rates: the one enterprise was supervised; one letter of one answered in time.
    let (s, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!(s, 200, "{r}");
    let sup = r["rates"].as_array().unwrap().iter().find(|x| x["code"] == "supervision").cloned().unwrap();
    assert_eq!((sup["numerator"].as_i64(), sup["denominator"].as_i64()), (Some(1), Some(1)), "{r}");
    let reply = r["figures"].as_array().unwrap().iter().find(|x| x["code"] == "reply").cloned().unwrap();
    assert_eq!(
        (reply["numerator"].as_i64(), reply["denominator"].as_i64(), reply["value"].as_f64()),
        (Some(1), Some(1), Some(100.0))
    );
    let (_, rows) = app.get(&admin, "/api/v1/rates/reply/rows?part=denominator").await;
    assert_eq!(
        (rows["total"].as_i64(), rows["items"][0]["detail"].as_str()),
        (Some(1), Some(format!("建工监意〔{year}〕1号").as_str()))
    );
    let (_, rows) = app.get(&admin, "/api/v1/rates/supervision/rows").await;
    assert_eq!(rows["items"][0]["name"], "建湖县阳光机械有限公司");
    // A period before any of it counts nothing.
    let (_, old) = app.get(&admin, "/api/v1/rates?from=2020-01-01&to=2020-12-31").await;
    let sup = old["rates"].as_array().unwrap().iter().find(|x| x["code"] == "supervision").cloned().unwrap();
    assert_eq!(sup["numerator"], 0);

    // Bad input on registration: every field at once, nothing written.
    let bad = json!({"source": "rumour", "issues": ["nothing"], "facts": ""});
    let (s, b) = app.post(&admin, "/api/v1/legal/supervision", bad).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["source", "issues", "facts", "enterprise"], "{b}");
    assert!(b["error"]["fields"][0]["message"].is_string());
    let (_, list) = app.get(&admin, "/api/v1/legal/supervision").await;
    assert_eq!(list["total"], 2);
    let (_, open) = app.get(&admin, "/api/v1/legal/supervision?stage=open").await;
    assert_eq!(open["total"], 0);

    // Every step is in the audit log and a recount of the figures agrees with the running ones.
    let (_, log) = app.get(&admin, "/api/v1/audit?action=legal.supervision.step").await;
    assert!(log["total"].as_i64().unwrap() >= 7, "{log}");
    let facts = |app: &crate::helpers::TestApp| {
        let pool = app.db.pool().clone();
        async move {
            let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
                "SELECT indicator, month, dim, CAST(sum(value) AS BIGINT) FROM indicators WHERE indicator LIKE 'legal.%' \
                 AND union_id = (SELECT id FROM unions WHERE parent_id IS NULL) GROUP BY indicator, month, dim \
                 HAVING sum(value) <> 0 ORDER BY indicator, month, dim",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            rows
        }
    };
    let running = facts(&app).await;
    assert!(running.iter().any(|r| r.0 == "legal.letters_answered" && r.2 == "k:opinion" && r.3 == 1), "{running:?}");
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(running, facts(&app).await);
}

#[tokio::test]
async fn templates_are_the_countys_and_the_pages_take_a_case_through() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let (s, t) = app.get(&admin, "/api/v1/legal/letter-templates").await;
    assert_eq!(s, 200);
    assert_eq!(t["templates"].as_array().unwrap().len(), 3);
    let put = async |token: &str, kind: &str, body: &str| {
        app.send(reqwest::Method::PUT, token, &format!("/api/v1/legal/letter-templates/{kind}"), json!({"body": body}))
            .await
    };
    let (s, b) = put(&admin, "tip", "{单位名称}：{未知字段}").await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("未知的占位符"), "{b}");
    assert_eq!(put(&admin, "memo", "x").await.0, 404);
    let cadre = app.token("cadre_a").await;
    assert_eq!(put(&cadre, "tip", "{单位名称}：请注意。").await.0, 403);
    let (s, b) = put(&admin, "tip", "{单位名称}：\n\n高温季节到来，{要求}\n\n{工会名称}\n{日期}").await;
    assert_eq!((s.as_u16(), b["changed"].as_bool()), (200, Some(true)), "{b}");

    // Through the pages as a town cadre: register by name, accept, send a 提示函 (no inspection
    // needed), print it.
    app.page_login("cadre_a").await;
    let csrf = app.csrf().await;
    let (s, html) = app.page("/legal/supervision/new").await;
    assert_eq!(s, 200, "{html}");
    let form = [
        ("csrf", csrf.as_str()),
        ("enterprise", "不存在的公司"),
        ("source", "inspection"),
        ("issues", "safety"),
        ("facts", "高温作业"),
    ];
    let res = app.client.post(app.url("/legal/supervision/new")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("没有找到用人单位"));
    let form = [
        ("csrf", csrf.as_str()),
        ("enterprise", "阳光机械"),
        ("source", "inspection"),
        ("issues", "safety"),
        ("issues", "hours"),
        ("facts", "高温作业未落实防暑措施"),
    ];
    let res = app.client.post(app.url("/legal/supervision/new")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let case_url = res.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
    assert!(case_url.starts_with("/legal/supervision/"), "{case_url}");
    let id: i64 = case_url.rsplit('/').next().unwrap().parse().unwrap();
    // A step taken answers 303 to the case page, which is read; a refusal is the page itself.
    let post = async |path: &str, form: &[(&str, &str)]| {
        let res = app.client.post(app.url(path)).form(form).send().await.unwrap();
        if res.status() == 303 {
            let to = res.headers()["location"].to_str().unwrap().to_string();
            return app.page(&to).await;
        }
        (res.status(), res.text().await.unwrap())
    };
    let (s, _) = post(&format!("/legal/supervision/{id}/acceptance"), &[("csrf", &csrf), ("accept", "1")]).await;
    assert_eq!(s, 200);
    let (s, html) = post(
        &format!("/legal/supervision/{id}/letter"),
        &[
            ("csrf", &csrf),
            ("kind", "tip"),
            ("facts", "车间温度 38 度"),
            ("basis", "《防暑降温措施管理办法》"),
            ("requests", "落实高温津贴和防暑措施"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("建工监提") && html.contains("待单位答复"), "{html}");
    let (_, d) = app.get(&admin, &format!("/api/v1/legal/supervision/{id}")).await;
    let lid = d["letters"][0]["id"].as_i64().unwrap();
    assert!(d["letters"][0]["body"].as_str().unwrap().contains("高温季节到来"), "the county's template: {d}");
    let (s, html) = app.page(&format!("/legal/letters/{lid}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("工会劳动法律监督提示函") && html.contains("建湖县阳光机械有限公司："), "{html}");
    let (s, html) = post(
        &format!("/legal/letters/{lid}/service"),
        &[("csrf", &csrf), ("served_on", "2026-13-01"), ("served_how", "邮寄")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("送达日期"), "{html}");
    let (s, _) = post(
        &format!("/legal/letters/{lid}/reply"),
        &[("csrf", &csrf), ("accepted", "1"), ("reply", "已发放高温津贴，调整作息")],
    )
    .await;
    assert_eq!(s, 200);
    let (s, html) = post(
        &format!("/legal/supervision/{id}/conclusion"),
        &[("csrf", &csrf), ("outcome", "rectified"), ("note", "现场核实已整改")],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("单位已整改"), "{html}");
    let (s, html) = app.page("/legal/supervision").await;
    assert_eq!(s, 200);
    assert!(html.contains("企业用工监督率") && html.contains("整改回复率"), "{html}");
    let (s, html) = app.page("/legal/letter-templates").await;
    assert_eq!(s, 200);
    assert!(html.contains("{单位名称}") && html.contains("readonly"), "a cadre reads, the county edits");
}
