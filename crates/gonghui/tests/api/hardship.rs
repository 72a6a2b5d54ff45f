//! 有难必帮 end to end: a hardship file from application through the four steps (each a work
//! item owned at its level) to filing, assistance through the ledger, annual review and exit;
//! the level from income against the county's standard; one open file per household; scope.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn set_standard(app: &TestApp, admin: &str) {
    let year = web::today().year();
    let (s, b) = app
        .send(
            reqwest::Method::PUT,
            admin,
            &format!("/api/v1/hardship/standards/{year}"),
            json!({"minimum_yuan": "860"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

fn application(member: i64, income: &str) -> Value {
    json!({
        "member_id": member,
        "household": [
            {"name": "王芳", "relation": "配偶", "birth_year": 1988, "health": "慢性病", "occupation": "失业"},
            {"name": "张小明", "relation": "子女", "birth_year": 2012, "occupation": "在校"}
        ],
        "yearly_income": income,
        "main_cause": "illness",
        "other_causes": ["schooling", "illness"],
        "housing": "自有住房 60 平方米",
        "insurance": "职工医保"
    })
}

async fn decide(app: &TestApp, token: &str, id: i64, approve: bool, note: Option<&str>) -> (u16, Value) {
    let (s, b) = app
        .post(token, &format!("/api/v1/hardship/files/{id}/decision"), json!({"approve": approve, "note": note}))
        .await;
    (s.as_u16(), b)
}

#[tokio::test]
async fn a_file_goes_from_application_to_filing_aid_review_and_exit() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_a = app.token("cadre_a").await;
    set_standard(&app, &admin).await;

    // Three people on ¥24 000 a year: ¥666.66 a head each month, below ¥860: 深度困难.
    let (s, d) = app.post(&cadre_a1, "/api/v1/hardship/files", application(app.member_a, "24000")).await;
    assert_eq!(s, 201, "{d}");
    let id = d["file"]["id"].as_i64().unwrap();
    assert_eq!(d["file"]["level"], "deep");
    assert_eq!(d["file"]["household_size"], 3);
    assert_eq!(d["file"]["per_head_month"], "666.66");
    assert_eq!(d["other_cause_labels"], json!(["因学"]), "the main cause is not repeated");
    assert_eq!(d["step"], "基层工会审核");
    assert_eq!(d["step_owner"], "阳光机械公司工会");
    let applied = d["file"]["applied_on"].as_str().unwrap();
    let (_, due) = app.get(&admin, &format!("/api/v1/calendar/add?date={applied}&days=5")).await;
    assert_eq!(d["step_due"], due["date"]);
    // One open file per household.
    let (s, b) = app.post(&cadre_a1, "/api/v1/hardship/files", application(app.member_a, "24000")).await;
    assert_eq!(s, 409, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("一户只建一档"));

    // Grassroots review by the member's union; the home visit belongs to the town.
    let (s, d) = decide(&app, &cadre_a1, id, true, None).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["file"]["stage"], "grassroots_reviewed");
    assert!(d["detail"]["sign_grassroots"].as_str().unwrap().starts_with("cadre_a1 "));
    assert_eq!(d["step_owner"], "建阳镇总工会");
    assert_eq!(
        decide(&app, &cadre_a1, id, true, Some("看过了")).await.0,
        403,
        "the grassroots cannot do the town's step"
    );
    let (s, b) = decide(&app, &cadre_a, id, true, None).await;
    assert_eq!(s, 422, "the visit needs what was found: {b}");
    assert_eq!(decide(&app, &cadre_a, id, true, Some("入户核实：妻子患病失业，孩子在读初中")).await.0, 200);
    let (s, d) = decide(&app, &cadre_a, id, true, Some("情况属实")).await;
    assert_eq!(s, 200);
    assert_eq!(d["file"]["stage"], "town_reviewed");
    assert_eq!(d["step_owner"], "建湖县总工会·职工服务中心（帮扶中心）");
    assert_eq!(decide(&app, &cadre_a, id, true, None).await.0, 403, "the county approves");
    let (s, d) = decide(&app, &admin, id, true, None).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["file"]["stage"], "filed");
    assert!(d["file"]["review_due"].is_string());
    assert!(d["detail"]["sign_county"].as_str().unwrap().starts_with("admin "));
    assert!(d["step"].is_null());
    let steps: Vec<&str> = d["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["申请", "基层工会审核", "入户核实", "镇（街道）工会审核", "县总工会审批"]);
    assert_eq!(decide(&app, &admin, id, true, None).await.0, 409, "nothing waits any more");
    // Each step was a work item, closed with its decision.
    let (_, items) = app.get(&admin, "/api/v1/work/items?kind=hardship_step").await;
    assert_eq!(items["total"], 4);
    assert!(items["items"].as_array().unwrap().iter().all(|i| i["status"] == "closed"), "{items}");

    // Assistance: money goes through the ledger and its yearly cap (default ¥5 000).
    let (s, d) = app
        .post(
            &cadre_a1,
            &format!("/api/v1/hardship/files/{id}/aid"),
            json!({"kind": "money", "description": "春节困难补助", "amount": "2000"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["aid_total_fen"], 200_000);
    let (_, mine) = app.get(&cadre_a1, &format!("/api/v1/members/{}/care", app.member_a)).await;
    assert_eq!(mine["this_year_fen"], 200_000);
    let (s, b) = app
        .post(
            &cadre_a1,
            &format!("/api/v1/hardship/files/{id}/aid"),
            json!({"kind": "medical", "description": "住院自付部分", "amount": "3500"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("最多还可发放 3,000.00 元"));
    let (s, b) = app
        .post(&cadre_a1, &format!("/api/v1/hardship/files/{id}/aid"), json!({"kind": "money", "description": "补助"}))
        .await;
    assert_eq!(s, 422, "{b}");
    let (s, d) = app
        .post(
            &cadre_a1,
            &format!("/api/v1/hardship/files/{id}/aid"),
            json!({"kind": "goods", "description": "米、油、棉被"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(d["aid"].as_array().unwrap().len(), 2);

    // Annual review: still below the line, then above it — out of hardship.
    let (s, d) =
        app.post(&cadre_a, &format!("/api/v1/hardship/files/{id}/review"), json!({"yearly_income": "40000"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["file"]["stage"].as_str(), d["file"]["level"].as_str()), (Some("filed"), Some("relative")));
    let (s, d) =
        app.post(&cadre_a, &format!("/api/v1/hardship/files/{id}/review"), json!({"yearly_income": "90000"})).await;
    assert_eq!(s, 200);
    assert_eq!(d["file"]["stage"], "exited");
    assert!(d["detail"]["settled_reason"].as_str().unwrap().contains("已超过建档标准"));
    assert_eq!(app.post(&cadre_a1, &format!("/api/v1/hardship/files/{id}/exit"), json!({"reason": "x"})).await.0, 409);
    // The household may apply again once its file is settled.
    let (s, _) = app.post(&cadre_a1, "/api/v1/hardship/files", application(app.member_a, "20000")).await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn applications_are_checked_and_refusals_explained() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    // No standard for the year yet.
    let (s, b) = app.post(&cadre, "/api/v1/hardship/files", application(app.member_a, "24000")).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("最低生活保障标准尚未设置"), "{b}");
    set_standard(&app, &admin).await;
    let mut bad = application(app.member_a, "很多");
    bad["main_cause"] = json!("bad luck");
    bad["household"][0]["name"] = json!("");
    let (s, b) = app.post(&cadre, "/api/v1/hardship/files", bad).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["yearly_income", "main_cause", "household"], "{b}");
    // Above both lines: refused, with the figures.
    let (s, b) = app.post(&cadre, "/api/v1/hardship/files", application(app.member_a, "120000")).await;
    assert_eq!(s, 422);
    let msg = b["error"]["message_zh"].as_str().unwrap();
    assert!(msg.contains("月人均收入 3,333.33 元") && msg.contains("不符合建档条件"), "{msg}");
    // A fire that cost more than 80% of a comfortable year's income: 意外致困.
    let mut fire = application(app.member_a, "120000");
    fire["one_off_loss"] = json!("100000");
    fire["main_cause"] = json!("disaster");
    let (s, d) = app.post(&cadre, "/api/v1/hardship/files", fire).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["file"]["level"], "accident");
    let id = d["file"]["id"].as_i64().unwrap();
    // Refusal needs a reason; then the file is settled and its item closed.
    assert_eq!(decide(&app, &cadre, id, false, None).await.0, 422);
    let (s, d) = decide(&app, &cadre, id, false, Some("经核实已获保险理赔")).await;
    assert_eq!(s, 200);
    assert_eq!(d["file"]["stage"], "rejected");
    assert_eq!(d["detail"]["settled_reason"], "经核实已获保险理赔");
    // Rules are the county's.
    let (s, _) = app
        .send(reqwest::Method::PUT, &cadre, "/api/v1/hardship/rules", json!({"relative_pct": 150, "accident_pct": 80}))
        .await;
    assert_eq!(s, 403);
    let (s, b) = app
        .send(reqwest::Method::PUT, &admin, "/api/v1/hardship/rules", json!({"relative_pct": 50, "accident_pct": 0}))
        .await;
    assert_eq!(s, 422, "{b}");
    let (s, _) = app
        .send(reqwest::Method::PUT, &admin, "/api/v1/hardship/rules", json!({"relative_pct": 150, "accident_pct": 80}))
        .await;
    assert_eq!(s, 200);
    let (_, settings) = app.get(&cadre, "/api/v1/hardship/settings").await;
    assert_eq!(settings["rules"]["relative_pct"], 150);
    assert_eq!(settings["standards"][0][1], 86_000);
    // A member applies for their own household from the phone.
    let member = app.token("member_a").await;
    let mut own = application(app.member_a, "20000");
    own.as_object_mut().unwrap().remove("member_id");
    let (s, d) = app.post(&member, "/api/v1/hardship/files", own).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(app.get(&member, &format!("/api/v1/hardship/files/{}", d["file"]["id"])).await.0, 200);
    assert_eq!(decide(&app, &member, d["file"]["id"].as_i64().unwrap(), true, None).await.0, 403);
}

#[tokio::test]
async fn other_subtrees_get_nothing_from_any_hardship_route() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_b = app.token("cadre_b").await;
    set_standard(&app, &admin).await;
    let (_, d) = app.post(&cadre_a1, "/api/v1/hardship/files", application(app.member_a, "24000")).await;
    let id = d["file"]["id"].as_i64().unwrap();
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/hardship/files/{id}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/hardship/files").await.1["total"], 0);
    assert_eq!(app.get(&cadre_b, "/api/v1/hardship/files?union=A-001").await.0, 404);
    assert_eq!(decide(&app, &cadre_b, id, true, Some("x")).await.0, 404);
    for (path, body) in [
        ("aid", json!({"kind": "goods", "description": "米"})),
        ("review", json!({"yearly_income": "1000"})),
        ("exit", json!({"reason": "x"})),
    ] {
        assert_eq!(app.post(&cadre_b, &format!("/api/v1/hardship/files/{id}/{path}"), body).await.0, 404, "{path}");
    }
    assert_eq!(app.post(&cadre_b, "/api/v1/hardship/files", application(app.member_a, "24000")).await.0, 404);
    assert_eq!(app.get(&admin, "/api/v1/hardship/files?stage=open").await.1["total"], 1);
}

#[tokio::test]
async fn the_hardship_pages_apply_and_decide() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    set_standard(&app, &admin).await;
    app.page_login("cadre_a1").await;
    let csrf = app.csrf().await;
    let member = app.member_a.to_string();
    let (s, html) = app.page(&format!("/hardship/new?member={member}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("困难职工建档申请：张阳光"));
    let form = [
        ("csrf", csrf.as_str()),
        ("member", member.as_str()),
        ("household", "王芳 配偶 1988 慢性病 失业\n张小明，子女，2012"),
        ("yearly_income", "24000"),
        ("main_cause", "illness"),
        ("other_causes", "schooling"),
        ("other_causes", "unemployment"),
    ];
    let bad = [("household", "王芳"), ("csrf", csrf.as_str()), ("member", member.as_str()), ("yearly_income", "24000")];
    let r = app.client.post(app.url("/hardship/new")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("至少写明姓名和关系"));
    let r = app.client.post(app.url("/hardship/new")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&to).await;
    assert!(
        html.contains("深度困难")
            && html.contains("因学、失业")
            && html.contains("张小明")
            && html.contains("待办：基层工会审核"),
        "{html}"
    );
    let id = to.trim_start_matches("/hardship/").split('?').next().unwrap().to_string();
    let r = app
        .client
        .post(app.url(&format!("/hardship/{id}/decide")))
        .form(&[("csrf", csrf.as_str()), ("approve", "1"), ("note", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page(&format!("/hardship/{id}?done=decided")).await;
    assert!(html.contains("待办：入户核实") && html.contains("同意（cadre_a1"), "{html}");
    let (s, html) = app.page("/hardship").await;
    assert_eq!(s, 200);
    assert!(html.contains("张阳光") && html.contains("860.00 元/人·月"));
}
