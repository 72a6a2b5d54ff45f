//! 五率's time limits: every limit with its unit, number and basis; the county changes the local
//! ones, never the statutory ones; audited; staff only.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn limits_say_their_basis_and_only_local_practice_changes() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let (s, limits) = app.get(&admin, "/api/v1/legal/limits").await;
    assert_eq!(s, 200);
    let find = |v: &serde_json::Value, code: &str| {
        v.as_array().unwrap().iter().find(|l| l["code"] == code).cloned().unwrap_or_else(|| panic!("{code}: {v}"))
    };
    let opinion = find(&limits, "supervision.opinion_reply");
    assert_eq!((opinion["spelled"].as_str(), opinion["local"].as_bool()), (Some("15个工作日"), Some(true)));
    assert!(opinion["basis"].as_str().unwrap().contains("浙江"));
    let aid = find(&limits, "aid.decision");
    assert_eq!((aid["spelled"].as_str(), aid["firmness"].as_str()), (Some("7日"), Some("official")));

    // A county that follows 南昌's 60 days for the written reply.
    let put = async |code: &str, body: serde_json::Value| {
        app.send(reqwest::Method::PUT, &admin, &format!("/api/v1/legal/limits/{code}"), body).await
    };
    let (s, b) = put("supervision.opinion_reply", json!({"days": 60, "unit": "calendar"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!((b["spelled"].as_str(), b["default_days"].as_i64()), (Some("60日"), Some(15)));
    let (_, limits) = app.get(&admin, "/api/v1/legal/limits").await;
    assert_eq!(find(&limits, "supervision.opinion_reply")["spelled"], "60日");
    let (_, log) = app.get(&admin, "/api/v1/audit?action=legal.limit").await;
    assert!(log["items"][0]["detail"].as_str().unwrap().contains("15个工作日 → 60日"), "{log}");

    // The law's own limits, impossible numbers and units, unknown codes, other roles.
    let (s, b) = put("dispute.mediation_end", json!({"days": 30, "unit": "calendar"})).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("不能修改"), "{b}");
    assert_eq!(put("supervision.tip_reply", json!({"days": 0, "unit": "working"})).await.0, 422);
    assert_eq!(put("supervision.tip_reply", json!({"days": 10, "unit": "weeks"})).await.0, 422);
    assert_eq!(put("no.such", json!({"days": 10, "unit": "working"})).await.0, 404);
    let cadre = app.token("cadre_a").await;
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &cadre,
            "/api/v1/legal/limits/supervision.tip_reply",
            json!({"days": 5, "unit": "working"}),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(app.get(&cadre, "/api/v1/legal/limits").await.0, 200);
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/legal/limits").await.0, 403);
}

/// The legal figures of the county as the indicator store keeps them: (indicator, month, value).
async fn legal_facts(app: &crate::helpers::TestApp) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT indicator, month, CAST(sum(value) AS BIGINT) FROM indicators WHERE indicator LIKE 'legal.%' AND dim = '' \
         AND union_id = (SELECT id FROM unions WHERE parent_id IS NULL) GROUP BY indicator, month \
         HAVING sum(value) <> 0 ORDER BY indicator, month",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

fn days_ago(n: i64) -> String {
    domain::fmt_date(web::today() - time::Duration::days(n))
}

async fn calendar_add(app: &crate::helpers::TestApp, token: &str, date: &str, days: u32) -> String {
    let (s, b) = app.get(token, &format!("/api/v1/calendar/add?date={date}&days={days}&unit=calendar")).await;
    assert_eq!(s, 200, "{b}");
    b["date"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn legal_aid_goes_from_a_members_phone_to_a_rated_closing() {
    let app = spawn_app().await;
    let member = app.token("member_a").await;
    let dept = app.token("dept").await;
    let cadre_a = app.token("cadre_a").await;
    let cadre_b = app.token("cadre_b").await;
    let today = days_ago(0);

    // A migrant worker claiming wages is never asked to prove hardship, whatever they say.
    let application = json!({"matter": "wages", "form": "arbitration", "facts": "2026年8月至10月工资未发，共三个月。",
        "employer": "建湖县阳光机械有限公司", "claim": "15600", "migrant": true, "hardship_basis": "proof"});
    let (s, d) = app.post(&member, "/api/v1/legal/aid", application).await;
    assert_eq!(s, 201, "{d}");
    let id = d["case"]["id"].as_i64().unwrap();
    assert_eq!(d["case"]["hardship_basis"], "waived");
    assert_eq!(d["case"]["channel"], "online");
    assert_eq!(d["case"]["member_id"], app.member_a);
    // Seven calendar days, moved past days off: the calendar's own answer.
    assert_eq!(d["case"]["decision_due"].as_str().unwrap(), calendar_add(&app, &dept, &today, 7).await);
    assert_eq!(d["step"], "审查决定");
    assert_eq!(d["step_owner"], "建湖县总工会·权益保障部");
    assert!(d["step_limit"].as_str().unwrap().contains("法律援助法第43条"), "{d}");
    let review_item = d["case"]["step_item_id"].as_i64().unwrap();

    // Scope: the member's town sees it, the other town does not, as if it did not exist.
    assert_eq!(app.get(&cadre_a, &format!("/api/v1/legal/aid/{id}")).await.0, 200);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/legal/aid/{id}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/legal/aid").await.1["total"], 0);
    // Only the step's owner (the county's rights department) or the level above decides.
    let (s, _) = app.post(&cadre_a, &format!("/api/v1/legal/aid/{id}/decision"), json!({"decision": "grant"})).await;
    assert_eq!(s, 403);
    let (s, _) = app.post(&member, &format!("/api/v1/legal/aid/{id}/decision"), json!({"decision": "grant"})).await;
    assert_eq!(s, 403);
    // 办结 on the loop is refused: the decision is taken on the case.
    let (s, b) = app
        .post(
            &dept,
            &format!("/api/v1/work/items/{review_item}/actions"),
            json!({"action": "resolve", "result": "同意"}),
        )
        .await;
    assert!(s == 409 || s == 422, "{s} {b}");

    // Missing materials are listed once; the item waits, and a second list is refused.
    let (s, d) = app
        .post(&dept, &format!("/api/v1/legal/aid/{id}/materials"), json!({"materials": "工资条或考勤记录；劳动合同"}))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["case"]["missing_on"], today.as_str());
    let (_, item) = app.get(&dept, &format!("/api/v1/work/items/{review_item}")).await;
    assert_eq!(item["item"]["status"], "paused", "{item}");
    let (s, b) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/materials"), json!({"materials": "身份证"})).await;
    assert_eq!(s, 409, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("一次性"), "{b}");
    let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/materials/supplied"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["case"]["paused_days"], 0);

    // A refusal needs written reasons; a grant opens the assignment, due in 3 days.
    let (s, b) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/decision"), json!({"decision": "refuse"})).await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"][0]["field"], "reason", "{b}");
    let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/decision"), json!({"decision": "grant"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("granted"), Some("指派承办人")));
    assert_eq!(d["step_due"].as_str().unwrap(), calendar_add(&app, &dept, &today, 3).await);
    let (_, item) = app.get(&dept, &format!("/api/v1/work/items/{review_item}")).await;
    assert_eq!(item["item"]["status"], "closed");

    let (s, b) = app
        .post(&dept, &format!("/api/v1/legal/aid/{id}/assignment"), json!({"provider": "", "provider_kind": "lawyer"}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"].as_array().unwrap().len(), 2, "{b}");
    let (s, d) = app
        .post(
            &dept,
            &format!("/api/v1/legal/aid/{id}/assignment"),
            json!({"provider": "陈律师（建湖县工会法律服务中心）", "provider_kind": "union_lawyer"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("assigned"), Some("办理结案")));
    let (s, d) = app
        .post(
            &dept,
            &format!("/api/v1/legal/aid/{id}/closing"),
            json!({"outcome": "mediated", "recovered": "15600", "report": "经劳动争议调解委员会调解，公司一次性支付欠薪。"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["recovered"].as_str()), (Some("closed"), Some("15,600.00")));
    let rating_item = d["rating_item_id"].as_i64().unwrap();

    // The member sees their case and deadlines, and rates the help; a low rating reopens it.
    let (s, mine) = app.get(&member, "/api/v1/legal/aid").await;
    assert_eq!((s.as_u16(), mine["total"].as_i64()), (200, Some(1)));
    let (s, b) = app
        .post(&member, &format!("/api/v1/work/items/{rating_item}/actions"), json!({"action": "rate", "rating": 1}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, d) = app.get(&dept, &format!("/api/v1/legal/aid/{id}")).await;
    assert_eq!(d["case"]["stage"], "assigned", "an unsatisfied member's case goes back to its provider: {d}");
    assert!(d["steps"].as_array().unwrap().iter().any(|s| s["step"] == "重新办理"), "{d}");

    // Each step is in the audit log.
    let admin = app.token("admin").await;
    let (_, log) = app.get(&admin, &format!("/api/v1/audit?entity=legal_aid&entity_id={id}")).await;
    assert!(log["total"].as_i64().unwrap() >= 5, "{log}");
}

#[tokio::test]
async fn legal_aid_deadlines_late_decisions_objections_and_bad_input() {
    let app = spawn_app().await;
    let dept = app.token("dept").await;
    let admin = app.token("admin").await;
    let today = days_ago(0);

    // Registered at the counter three weeks late: the decision is overdue, and says why.
    let applied = days_ago(20);
    let body = json!({"member_id": app.member_b, "applied_on": applied, "matter": "injury_compensation",
        "facts": "工伤认定后单位拒绝支付一次性伤残补助金。"});
    let (s, d) = app.post(&dept, "/api/v1/legal/aid", body).await;
    assert_eq!(s, 201, "{d}");
    let id = d["case"]["id"].as_i64().unwrap();
    assert_eq!(
        (d["case"]["channel"].as_str(), d["case"]["hardship_basis"].as_str()),
        (Some("counter"), Some("pledge"))
    );
    assert_eq!(d["case"]["decision_due"].as_str().unwrap(), calendar_add(&app, &dept, &applied, 7).await);
    let refuse = json!({"decision": "refuse", "reason": "申请事项不属于法律援助范围"});
    let (s, b) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/decision"), refuse.clone()).await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"][0]["field"], "late_reason", "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("late"), "{b}");
    let mut late = refuse;
    late["late_reason"] = json!("申请人补充证据延误");
    let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/decision"), late).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("refused"), None));

    // The objection is followed for 5 days; upheld, the assignment opens.
    let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/objection"), json!({"note": "申请人不服"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["step"].as_str()), (Some("objected"), Some("异议审查")));
    assert_eq!(d["step_due"].as_str().unwrap(), calendar_add(&app, &dept, &today, 5).await);
    let (s, d) = app
        .post(
            &dept,
            &format!("/api/v1/legal/aid/{id}/objection/result"),
            json!({"upheld": true, "note": "属于工伤赔偿事项"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["case"]["decision"].as_str()), (Some("granted"), Some("grant")));
    let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/termination"), json!({"ground": "own_lawyer"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["case"]["termination_label"], "自行委托律师或其他代理人");
    let (s, _) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/objection"), json!({})).await;
    assert_eq!(s, 409, "a terminated case takes no objection");

    // 先行援助: the limitation runs out in three days, so the decision comes before it.
    let ends = domain::fmt_date(web::today() + time::Duration::days(3));
    let body = json!({"member_id": app.member_a, "matter": "labour_relation", "facts": "确认劳动关系", "limitation_ends": ends});
    let (s, d) = app.post(&admin, "/api/v1/legal/aid", body).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["case"]["first_aid"], true);
    assert!(d["case"]["decision_due"].as_str().unwrap() < ends.as_str(), "{d}");
    let item = d["case"]["step_item_id"].as_i64().unwrap();
    let (_, item) = app.get(&admin, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!(item["item"]["priority"], "urgent");

    // Bad input: every field said at once, nothing written.
    let (_, before) = app.get(&admin, "/api/v1/legal/aid").await;
    let bad = json!({"member_id": app.member_a, "applied_on": "2026-02-30", "matter": "divorce", "facts": " ",
        "hardship_basis": "waived", "claim": "-5", "limitation_ends": "tomorrow"});
    let (s, b) = app.post(&admin, "/api/v1/legal/aid", bad).await;
    assert_eq!(s, 422, "{b}");
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["applied_on", "matter", "facts", "claim", "limitation_ends"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let future = domain::fmt_date(web::today() + time::Duration::days(1));
    let body = json!({"member_id": app.member_a, "applied_on": future, "matter": "wages", "facts": "x"});
    assert_eq!(app.post(&admin, "/api/v1/legal/aid", body).await.0, 422);
    let body = json!({"member_id": app.member_a, "matter": "other", "facts": "x", "hardship_basis": "waived"});
    let (s, b) = app.post(&admin, "/api/v1/legal/aid", body).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("hardship_basis")), "{b}");
    let (_, after) = app.get(&admin, "/api/v1/legal/aid").await;
    assert_eq!(before["total"], after["total"]);
    assert_eq!(app.get(&admin, "/api/v1/legal/aid/999999").await.0, 404);

    // The running figures (a refusal taken back by the upheld objection) agree with a recount.
    let running = legal_facts(&app).await;
    assert!(running.iter().any(|(i, _, v)| i == "legal.aid_granted" && *v == 1), "{running:?}");
    assert!(!running.iter().any(|(i, _, _)| i == "legal.aid_refused"), "the refusal was taken back: {running:?}");
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(running, legal_facts(&app).await);
}

#[tokio::test]
async fn the_rates_add_up_open_to_their_rows_and_follow_the_countys_definition() {
    let app = spawn_app().await;
    let dept = app.token("dept").await;
    let admin = app.token("admin").await;
    // Three applications: town A's granted and closed, town B's granted, town A's second waiting.
    let apply = async |member: i64| {
        let body = json!({"member_id": member, "matter": "wages", "facts": "欠薪"});
        let (s, d) = app.post(&dept, "/api/v1/legal/aid", body).await;
        assert_eq!(s, 201, "{d}");
        d["case"]["id"].as_i64().unwrap()
    };
    let (a, b, _waiting) = (apply(app.member_a).await, apply(app.member_b).await, apply(app.member_a).await);
    for id in [a, b] {
        let (s, d) = app.post(&dept, &format!("/api/v1/legal/aid/{id}/decision"), json!({"decision": "grant"})).await;
        assert_eq!(s, 200, "{d}");
    }
    app.post(
        &dept,
        &format!("/api/v1/legal/aid/{a}/assignment"),
        json!({"provider": "陈律师", "provider_kind": "union_lawyer"}),
    )
    .await;
    let (s, d) = app
        .post(&dept, &format!("/api/v1/legal/aid/{a}/closing"), json!({"outcome": "settled", "report": "和解结案"}))
        .await;
    assert_eq!(s, 200, "{d}");

    let (s, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!(s, 200, "{r}");
    let aid = |r: &serde_json::Value| {
        let x = r["rates"].as_array().unwrap().iter().find(|x| x["code"] == "legal_aid").cloned().unwrap();
        (x["numerator"].as_i64().unwrap(), x["denominator"].as_i64().unwrap(), x["value"].as_f64())
    };
    assert_eq!(aid(&r), (1, 2, Some(50.0)), "{r}");
    // The children add up to the county, and say which union they are.
    let children = r["children"].as_array().unwrap();
    let of = |rates: &serde_json::Value| {
        rates.as_array().unwrap().iter().find(|x| x["code"] == "legal_aid").cloned().unwrap()
    };
    let sum = |i: &str| children.iter().map(|c| of(&c["rates"])[i].as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum("numerator"), sum("denominator")), (1, 2));
    let town_a = children.iter().find(|c| c["code"] == "320925101").unwrap();
    assert_eq!(
        (of(&town_a["rates"])["numerator"].as_i64(), of(&town_a["rates"])["denominator"].as_i64()),
        (Some(1), Some(1))
    );

    // Every numerator and denominator opens to exactly the records it counted.
    let (s, rows) = app.get(&admin, "/api/v1/rates/legal_aid/rows?part=numerator").await;
    assert_eq!(s, 200, "{rows}");
    assert_eq!((rows["total"].as_i64(), rows["items"][0]["id"].as_i64()), (Some(1), Some(a)));
    assert_eq!(rows["items"][0]["detail"], "劳动报酬 · 已结案");
    let (_, rows) = app.get(&admin, "/api/v1/rates/legal_aid/rows?part=denominator&union=320925102").await;
    assert_eq!((rows["total"].as_i64(), rows["items"][0]["id"].as_i64()), (Some(1), Some(b)));

    // Scope: a town sees its own figures; another town's answer as if it did not exist.
    let cadre_b = app.token("cadre_b").await;
    let (_, r) = app.get(&cadre_b, "/api/v1/rates").await;
    assert_eq!((r["union_code"].as_str(), aid(&r)), (Some("320925102"), (0, 1, Some(0.0))));
    assert_eq!(app.get(&cadre_b, "/api/v1/rates?union=320925101").await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/rates/legal_aid/rows?union=320925101").await.0, 404);
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/rates").await.0, 403);

    // A period with nothing in it; impossible and reversed periods; unknown parts and rates.
    let (_, r) = app.get(&admin, "/api/v1/rates?from=2020-01-01&to=2020-12-31").await;
    assert_eq!(aid(&r), (0, 0, None));
    let (s, b) = app.get(&admin, "/api/v1/rates?from=2026-02-30").await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("from")));
    assert_eq!(app.get(&admin, "/api/v1/rates?from=2026-05-01&to=2026-04-01").await.0, 422);
    assert_eq!(app.get(&admin, "/api/v1/rates/legal_aid/rows?part=half").await.0, 422);
    assert_eq!(app.get(&admin, "/api/v1/rates/happiness/rows").await.0, 404);
    let (s, trend) = app.get(&admin, "/api/v1/rates/trend").await;
    assert_eq!(s, 200);
    let months = trend.as_array().unwrap();
    assert!((12..=13).contains(&months.len()), "{}", months.len());
    let last = &of(&months.last().unwrap()["rates"]);
    assert_eq!((last["numerator"].as_i64(), last["denominator"].as_i64()), (Some(1), Some(2)));

    // The county counts every application instead: like over like only, audited.
    let put = async |body: serde_json::Value| {
        app.send(reqwest::Method::PUT, &admin, "/api/v1/rates/legal_aid/definition", body).await
    };
    let (s, b) = put(json!({"numerator": "aid_served", "denominator": "members_active"})).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("单位不同"), "{b}");
    assert_eq!(put(json!({"numerator": "aid_served", "denominator": "nonsense"})).await.0, 422);
    let (s, d) = put(json!({"numerator": "aid_served", "denominator": "aid_applied"})).await;
    assert_eq!(s, 200, "{d}");
    let (_, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!(aid(&r), (1, 3, Some(33.3)));
    let (_, defs) = app.get(&admin, "/api/v1/rates/definitions").await;
    let aid_def = of(&defs["rates"]);
    assert_eq!(aid_def["denominator"]["code"], "aid_applied");
    assert_eq!(aid_def["default_denominator"], "aid_eligible");
    let (_, log) = app.get(&admin, "/api/v1/audit?action=legal.rate").await;
    assert!(log["items"][0]["detail"].as_str().unwrap().contains("法律援助申请"), "{log}");
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &dept,
            "/api/v1/rates/legal_aid/definition",
            json!({"numerator": "aid_served", "denominator": "aid_applied"}),
        )
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn the_pages_take_a_case_through_its_steps_and_the_limits_stay_lawful() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"member_id": app.member_a, "matter": "wages", "facts": "欠薪三个月"});
    let (_, d) = app.post(&admin, "/api/v1/legal/aid", body).await;
    let id = d["case"]["id"].as_i64().unwrap();

    app.page_login("admin").await;
    let csrf = app.csrf().await;
    let post = async |path: &str, form: &[(&str, &str)]| {
        let mut f: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        f.extend_from_slice(form);
        let r = app.client.post(app.url(path)).form(&f).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.headers().get("location").map(|l| l.to_str().unwrap().to_string()), r.text().await.unwrap())
    };
    // A refusal without reasons stays on the page with the error beside the field.
    let (s, _, html) = post(&format!("/legal/aid/{id}/decision"), &[("decision", "refuse"), ("reason", "")]).await;
    assert_eq!(s, 422);
    assert!(html.contains("不予援助或转办须书面说明理由"), "{html}");
    let (s, to, _) =
        post(&format!("/legal/aid/{id}/decision"), &[("decision", "grant"), ("form", "arbitration")]).await;
    assert_eq!((s, to.as_deref()), (303, Some(format!("/legal/aid/{id}?done=decision").as_str())));
    let (_, html) = app.page(&format!("/legal/aid/{id}?done=decision")).await;
    assert!(html.contains("审查决定已记录") && html.contains("指派承办人"), "{html}");
    let (s, _, _) = post(&format!("/legal/aid/{id}/nonsense"), &[]).await;
    assert_eq!(s, 404);
    let (s, html) = app.page(&format!("/legal/aid/{id}/print")).await;
    assert_eq!(s, 200);
    assert!(html.contains("法律援助申请表") && html.contains("张阳光") && html.contains("仲裁代理"), "{html}");

    // The limits page: local ones change in place, the law's cannot.
    let (_, html) = app.page("/legal/limits").await;
    assert!(html.contains("依法不可调整") && html.contains("法律援助法第43条"));
    let (s, _, html) = post("/legal/limits/supervision.tip_reply", &[("days", "0"), ("unit", "working")]).await;
    assert_eq!(s, 422);
    assert!(html.contains("天数应在 1–365 之间"));
    let (s, _, _) = post("/legal/limits/supervision.tip_reply", &[("days", "7"), ("unit", "working")]).await;
    assert_eq!(s, 303);
    let (_, html) = app.page("/legal/limits").await;
    assert!(html.contains("7个工作日"), "{html}");
    let (s, _, _) = post("/legal/limits/dispute.mediation_end", &[("days", "30"), ("unit", "calendar")]).await;
    assert_eq!(s, 422);

    // A member is sent to their own pages.
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, &format!("/api/v1/legal/aid/{id}")).await.0, 200);
    app.page_login("member_a").await;
    let r = app.client.get(app.url(&format!("/legal/aid/{id}"))).send().await.unwrap();
    assert_eq!(r.headers().get("location").unwrap(), &format!("/me/legal-aid/{id}"));
    let (s, html) = app.page(&format!("/me/legal-aid/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("劳动报酬") && html.contains("指派承办人"), "{html}");
}

#[tokio::test]
async fn a_dispute_is_accepted_mediated_and_followed_to_its_end_and_counted_as_lawful() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a = app.token("cadre_a").await;
    let cadre_b = app.token("cadre_b").await;
    let knew = days_ago(340);
    let body = json!({"member_id": app.member_a, "claims": ["wages", "overtime", "wages"], "amount": "8600",
        "employer": "建湖县阳光机械有限公司", "facts": "九月、十月工资及加班费未发。", "knew_on": knew});
    let (s, d) = app.post(&cadre_a, "/api/v1/legal/disputes", body).await;
    assert_eq!(s, 201, "{d}");
    let id = d["case"]["id"].as_i64().unwrap();
    assert_eq!(d["case"]["claims"], "wages,overtime");
    // The year runs from the day the worker knew, moved past days off; 25 days are left: warned.
    let (_, ends) = app.get(&admin, &format!("/api/v1/calendar/add?date={knew}&days=0&unit=calendar")).await;
    assert!(ends["date"].is_string());
    assert_eq!(d["limit_near"], true, "{d}");
    assert_eq!((d["step"].as_str(), d["step_owner"].as_str()), (Some("受理"), Some("建阳镇总工会")));
    let item = d["case"]["step_item_id"].as_i64().unwrap();
    let (_, it) = app.get(&admin, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!((it["item"]["priority"].as_str(), it["item"]["kind"].as_str()), (Some("urgent"), Some("dispute_step")));
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/legal/disputes/{id}")).await.0, 404);
    let (s, _) = app.post(&cadre_b, &format!("/api/v1/legal/disputes/{id}/acceptance"), json!({"accept": true})).await;
    assert_eq!(s, 404);

    // Accepted: mediation is due in 15 days; sessions are logged; an agreement needs its terms.
    let (s, d) = app.post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/acceptance"), json!({"accept": true})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["case"]["mediation_due"].as_str().unwrap(), calendar_add(&app, &admin, &days_ago(0), 15).await);
    let (s, _) = app
        .post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/sessions"), json!({"note": "双方到场，公司同意分期支付"}))
        .await;
    assert_eq!(s, 200);
    let (s, b) = app.post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/mediation"), json!({"agreed": true})).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["terms", "perform_by"]);
    let by = domain::fmt_date(web::today() + time::Duration::days(10));
    let agreement =
        json!({"agreed": true, "terms": "公司于十日内支付工资及加班费 8600 元", "amount": "8600", "perform_by": by});
    let (s, d) = app.post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/mediation"), agreement).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (d["case"]["stage"].as_str(), d["step"].as_str(), d["case"]["sessions"].as_i64()),
        (Some("agreed"), Some("履行跟踪"), Some(1))
    );
    // Not performed: the worker is told of the 支付令, which counts as a lawful channel.
    let (s, b) =
        app.post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/performance"), json!({"performed": false})).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("next")));
    let (s, d) = app
        .post(
            &cadre_a,
            &format!("/api/v1/legal/disputes/{id}/performance"),
            json!({"performed": false, "next": "payment_order"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["case"]["stage"].as_str(), d["case"]["lawful"].as_bool()), (Some("closed"), Some(true)));
    assert!(d["advice"].as_str().unwrap().contains("支付令"), "{d}");
    let (s, _) =
        app.post(&cadre_a, &format!("/api/v1/legal/disputes/{id}/performance"), json!({"performed": true})).await;
    assert_eq!(s, 409, "a closed dispute takes no more steps");

    // A second dispute withdrawn after failed mediation: closed, but not through a lawful channel.
    let body = json!({"member_id": app.member_a, "claims": ["compensation"], "employer": "某公司", "facts": "解除合同未补偿", "knew_on": days_ago(30)});
    let (_, d) = app.post(&cadre_a, "/api/v1/legal/disputes", body).await;
    let second = d["case"]["id"].as_i64().unwrap();
    assert_eq!(d["limit_near"], false);
    app.post(&cadre_a, &format!("/api/v1/legal/disputes/{second}/acceptance"), json!({"accept": true})).await;
    let (s, d) = app
        .post(
            &cadre_a,
            &format!("/api/v1/legal/disputes/{second}/mediation"),
            json!({"agreed": false, "next": "withdrawn"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    // A third declined with reasons (and not without).
    let body = json!({"member_id": app.member_a, "claims": ["other"], "employer": "某公司", "facts": "邻里纠纷", "knew_on": days_ago(3)});
    let (_, d) = app.post(&cadre_a, "/api/v1/legal/disputes", body).await;
    let third = d["case"]["id"].as_i64().unwrap();
    assert_eq!(
        app.post(&cadre_a, &format!("/api/v1/legal/disputes/{third}/acceptance"), json!({"accept": false})).await.0,
        422
    );
    let (s, _) = app
        .post(
            &cadre_a,
            &format!("/api/v1/legal/disputes/{third}/acceptance"),
            json!({"accept": false, "reason": "不属于劳动争议"}),
        )
        .await;
    assert_eq!(s, 200);

    // 依法维权率: of the three closed, the 支付令 is lawful; withdrawn and declined are not.
    let (_, r) = app.get(&admin, "/api/v1/rates").await;
    let lawful = r["rates"].as_array().unwrap().iter().find(|x| x["code"] == "lawful").cloned().unwrap();
    assert_eq!((lawful["numerator"].as_i64(), lawful["denominator"].as_i64()), (Some(1), Some(3)), "{r}");
    let (_, rows) = app.get(&admin, "/api/v1/rates/lawful/rows?part=numerator").await;
    assert_eq!((rows["total"].as_i64(), rows["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    assert_eq!(rows["items"][0]["detail"], "申请支付令");

    // Bad input: every field at once, nothing written.
    let bad = json!({"member_id": app.member_a, "claims": ["bonus"], "amount": "x", "employer": "", "facts": "", "knew_on": "2026-02-30"});
    let (s, b) = app.post(&cadre_a, "/api/v1/legal/disputes", bad).await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"].as_array().unwrap().len(), 5, "{b}");
    let future =
        json!({"member_id": app.member_a, "claims": ["wages"], "employer": "x", "facts": "x", "knew_on": days_ago(-3)});
    assert_eq!(app.post(&cadre_a, "/api/v1/legal/disputes", future).await.0, 422);
    let (_, list) = app.get(&admin, "/api/v1/legal/disputes").await;
    assert_eq!(list["total"], 3);

    // The figures: three registered and closed, one through a lawful channel; a recount agrees.
    let running = legal_facts(&app).await;
    let month = &days_ago(0)[..7];
    for (indicator, value) in
        [("legal.dispute_registered", 3), ("legal.dispute_closed", 3), ("legal.dispute_lawful", 1)]
    {
        assert!(running.contains(&(indicator.to_string(), month.to_string(), value)), "{indicator}: {running:?}");
    }
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(running, legal_facts(&app).await);

    // The worker sees their own disputes on the phone, never anyone else's.
    app.page_login("member_a").await;
    let (s, html) = app.page("/me/disputes").await;
    assert_eq!(s, 200);
    assert!(html.contains("劳动报酬、加班费") && html.contains("经济补偿金"), "{html}");
    let (s, html) = app.page(&format!("/me/disputes/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("申请支付令") && html.contains("仲裁时效"), "{html}");
    let res = app.client.get(app.url(&format!("/legal/disputes/{id}"))).send().await.unwrap();
    assert_eq!(res.headers()["location"], format!("/me/disputes/{id}").as_str());
    let (_, d) = app.get(&admin, "/api/v1/legal/disputes?per_page=1").await;
    assert_eq!(d["total"], 3);
}
