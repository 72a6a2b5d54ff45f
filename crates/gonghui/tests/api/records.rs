//! The loop's contract with its records: acting on an item from 待办 or the API never strands the
//! record it stands for, a task whose point is a payment closes only with the payment (or a
//! recorded reason for not paying), and nobody rates their own work. One test per mechanism
//! with items (care, hardship steps, campaign deliveries); benefit enrolments raise none.

use crate::helpers::{TestApp, id_no, spawn_app};
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, item: i64, body: Value) -> (u16, Value) {
    let (s, b) = app.post(token, &format!("/api/v1/work/items/{item}/actions"), body).await;
    (s.as_u16(), b)
}

async fn item(app: &TestApp, token: &str, item: i64) -> Value {
    let (s, d) = app.get(token, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!(s, 200, "{d}");
    d
}

fn obligation(event: &Value, action: &str) -> i64 {
    event["obligations"].as_array().unwrap().iter().find(|o| o["action"] == action).unwrap()["work_item_id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_payment_task_closes_only_with_its_payment_and_nobody_rates_their_own_work() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a1").await;
    let town = app.token("cadre_a").await;
    let member = app.token("member_a").await;
    let today = domain::fmt_date(web::today());
    let (s, ev) = app
        .post(
            &cadre,
            "/api/v1/care/events",
            json!({"member_id": app.member_a, "kind": "hospitalisation", "date": today}),
        )
        .await;
    assert_eq!(s, 201, "{ev}");
    let eid = ev["event"]["id"].as_i64().unwrap();
    let pay = obligation(&ev, "payment");
    let visit = obligation(&ev, "visit");

    // The payment task offers no 办结 and says where to act; 办结 through the API is refused
    // with the way to the payment form, and nothing changes.
    let d = item(&app, &cadre, pay).await;
    assert_eq!(d["item"]["source"], "care_payment");
    assert_eq!(d["item"]["closes_by_record"], true);
    assert!(!d["actions"].as_array().unwrap().iter().any(|a| a == "resolve"), "{}", d["actions"]);
    assert_eq!(act(&app, &cadre, pay, json!({"action": "accept"})).await.0, 200);
    let (s, b) = act(&app, &cadre, pay, json!({"action": "resolve", "result": "500元"})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains(&format!("/care/events/{eid}")), "{b}");
    assert_eq!(item(&app, &cadre, pay).await["item"]["status"], "in_progress");
    let (_, e) = app.get(&cadre, &format!("/api/v1/care/events/{eid}")).await;
    assert!(e["payments"].as_array().unwrap().is_empty());

    // The payment closes it, in the same transaction, with the payment as its result.
    let (s, p) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid, "amount": "500"})).await;
    assert_eq!(s, 201, "{p}");
    let d = item(&app, &cadre, pay).await;
    assert_eq!(d["item"]["status"], "closed");
    assert!(d["item"]["result"].as_str().unwrap().contains("500.00"));
    // Paid, it is not handled again: the level above cannot reopen it.
    let (s, b) = act(&app, &town, pay, json!({"action": "reopen", "note": "再核实"})).await;
    assert_eq!(s, 409, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("已发放"));

    // The visit closes on the loop. Its owner, who did it, may not rate it; the member may.
    let (s, _) = act(&app, &cadre, visit, json!({"action": "resolve", "result": "已上门看望"})).await;
    assert_eq!(s, 200);
    let (s, b) = act(&app, &cadre, visit, json!({"action": "rate", "rating": 5})).await;
    assert!(s == 403 || s == 422, "{s} {b}");
    assert!(!item(&app, &cadre, visit).await["actions"].as_array().unwrap().iter().any(|a| a == "rate"));
    let (s, d) = act(&app, &member, visit, json!({"action": "rate", "rating": 4})).await;
    assert_eq!((s, d["item"]["rating"].as_i64()), (200, Some(4)), "{d}");

    // A payment not made is closed with its reason, from the event, not from 待办.
    let (_, ev2) = app
        .post(&cadre, "/api/v1/care/events", json!({"member_id": app.member_a, "kind": "childbirth", "date": today}))
        .await;
    let eid2 = ev2["event"]["id"].as_i64().unwrap();
    let (s, b) = app.post(&cadre, &format!("/api/v1/care/events/{eid2}/waive"), json!({"reason": ""})).await;
    assert_eq!(s, 422, "{b}");
    let (s, b) = app.post(&cadre, &format!("/api/v1/care/events/{eid2}/waive"), json!({"reason": "家属婉拒"})).await;
    assert_eq!(s, 200, "{b}");
    let d = item(&app, &cadre, obligation(&ev2, "payment")).await;
    assert_eq!(
        (d["item"]["status"].as_str(), d["item"]["result"].as_str()),
        (Some("closed"), Some("不予发放：家属婉拒"))
    );
    let (s, _) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid2, "amount": "300"})).await;
    assert_eq!(s, 409, "closed without paying: no payment after");

    // The care figures count what closed, and a recount agrees.
    let admin = app.token("admin").await;
    let (_, f) = app.get(&admin, "/api/v1/care/figures").await;
    assert_eq!((f["total"]["events"].as_i64(), f["total"]["done"].as_i64()), (Some(2), Some(3)), "{}", f["total"]);
    assert_eq!(f["total"]["paid_fen"], 50_000);
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(f, app.get(&admin, "/api/v1/care/figures").await.1);
}

#[tokio::test]
async fn a_work_item_raised_by_a_cadre_for_their_own_union_is_not_theirs_to_rate() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a1").await;
    let (s, d) = app.post(&cadre, "/api/v1/work/items", json!({"kind": "need", "title": "车间通风差"})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["item"]["id"].as_i64().unwrap();
    assert_eq!(act(&app, &cadre, id, json!({"action": "resolve", "result": "已加装风机"})).await.0, 200);
    let (s, b) = act(&app, &cadre, id, json!({"action": "rate", "rating": 5})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("承办人不能评价"), "{b}");
    let (_, f) = app.get(&app.token("admin").await, "/api/v1/work/figures").await;
    assert_eq!(f["total"]["rated"], 0);
    // Kinds raised by their records are not registered by hand.
    let (s, b) = app.post(&cadre, "/api/v1/work/items", json!({"kind": "hardship_step", "title": "审核"})).await;
    assert_eq!(s, 422, "{b}");
}

#[tokio::test]
async fn closing_a_hardship_step_from_the_inbox_decides_it_and_opens_the_next() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    let town = app.token("cadre_a").await;
    let year = web::today().year();
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            &format!("/api/v1/hardship/standards/{year}"),
            json!({"minimum_yuan": "860"}),
        )
        .await;
    assert_eq!(s, 200);
    let body = json!({"member_id": app.member_a, "household": [], "yearly_income": "6000", "main_cause": "illness"});
    let (s, d) = app.post(&cadre, "/api/v1/hardship/files", body).await;
    assert_eq!(s, 201, "{d}");
    let file = d["file"]["id"].as_i64().unwrap();
    let (_, inbox) = app.get(&cadre, "/api/v1/work/inbox").await;
    let step =
        inbox["items"]["items"].as_array().unwrap().iter().find(|i| i["source"] == "hardship_file").unwrap()["id"]
            .as_i64()
            .unwrap();
    assert_eq!(item(&app, &cadre, step).await["item"]["source_id"], file);

    // 办结 from 待办 is the grassroots review passed, with its result as the note.
    let (s, b) = act(&app, &cadre, step, json!({"action": "resolve", "result": "情况属实，同意上报"})).await;
    assert_eq!(s, 200, "{b}");
    let (_, f) = app.get(&cadre, &format!("/api/v1/hardship/files/{file}")).await;
    assert_eq!(f["file"]["stage"], "grassroots_reviewed");
    assert!(f["detail"]["sign_grassroots"].as_str().unwrap().starts_with("cadre_a1 "));
    assert_eq!(f["step_owner"], "建阳镇总工会", "the home visit opened at the town");
    assert_eq!(f["steps"].as_array().unwrap().last().unwrap()["note"], "情况属实，同意上报");
    // The decision form on the file goes on from there (no 422 "已办结").
    let (s, b) = app
        .post(&town, &format!("/api/v1/hardship/files/{file}/decision"), json!({"approve": true, "note": "已入户"}))
        .await;
    assert_eq!(s, 200, "{b}");
    // A passed step is not handled again.
    let (s, b) = act(&app, &town, step, json!({"action": "reopen", "note": "重审"})).await;
    assert_eq!(s, 409, "{b}");
    let (_, f) = app.get(&cadre, &format!("/api/v1/hardship/files/{file}")).await;
    assert_eq!(f["file"]["stage"], "visited");
    // The home visit from 待办 needs what was found.
    let next = f["detail"]["step_item_id"].as_i64().unwrap();
    assert_eq!(act(&app, &town, next, json!({"action": "resolve", "result": " "})).await.0, 422);
}

#[tokio::test]
async fn a_unions_campaign_task_closes_when_everyone_is_reached() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    let (s, m) = app
        .post(
            &admin,
            "/api/v1/members",
            json!({"union": "A-001", "name": "王骑手", "id_card_no": id_no("320925", "19950101", 77), "new_form": "rider"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let (s, m) = app
        .post(
            &admin,
            "/api/v1/members",
            json!({"union": "B-001", "name": "李快递", "id_card_no": id_no("320925", "19960202", 78), "new_form": "courier"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let year = web::today().year();
    let body = json!({"kind": "summer_cool", "name": "夏送清凉", "starts_on": format!("{year}-01-01"),
        "ends_on": format!("{year}-12-31"), "budget": "10000", "goods": "绿豆汤"});
    let (s, c) = app.post(&admin, "/api/v1/campaigns", body).await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_i64().unwrap();
    let (s, _) = app.post(&admin, &format!("/api/v1/campaigns/{id}/build"), json!({})).await;
    assert_eq!(s, 200);
    // The union has its delivery task, due with the campaign.
    let (_, inbox) = app.get(&cadre, "/api/v1/work/inbox").await;
    let task = inbox["items"]["items"].as_array().unwrap().iter().find(|i| i["source"] == "campaign").unwrap().clone();
    assert_eq!(task["kind"], "campaign_delivery");
    assert_eq!(task["subject_name"], "阳光机械公司工会");
    let tid = task["id"].as_i64().unwrap();
    // Each union has its own task, about itself, written together.
    let (_, theirs) = app.get(&app.token("cadre_b").await, "/api/v1/work/items?kind=campaign_delivery").await;
    assert_eq!(theirs["total"], 1, "{theirs}");
    assert_eq!(theirs["items"][0]["subject_name"], "湖光纺织公司工会");
    assert_eq!(theirs["items"][0]["owner_union_name"], "湖光纺织公司工会");
    let (s, b) = act(&app, &cadre, tid, json!({"action": "resolve", "result": "都发了"})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("尚有 1 名对象未送达"), "{b}");

    // Delivering to the last one closes it.
    let (_, targets) = app.get(&cadre, &format!("/api/v1/campaigns/{id}/targets")).await;
    let target = targets["items"][0]["id"].as_i64().unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/campaigns/{id}/targets/{target}/delivery")))
        .bearer_auth(&cadre)
        .multipart(reqwest::multipart::Form::new().text("note", "送到站点"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d = item(&app, &cadre, tid).await;
    assert_eq!(d["item"]["status"], "closed");
    assert!(d["item"]["result"].as_str().unwrap().contains("1 名对象已全部送达"));
    let (s, _) = act(&app, &app.token("cadre_a").await, tid, json!({"action": "reopen", "note": "复查"})).await;
    assert_eq!(s, 409);
    let (_, c) = app.get(&admin, &format!("/api/v1/campaigns/{id}")).await;
    assert_eq!((c["targeted"].as_i64(), c["delivered"].as_i64()), (Some(2), Some(1)));

    // Benefit enrolments raise no work item: nothing there to strand.
    let before = app.get(&admin, "/api/v1/work/items").await.1["total"].clone();
    let body = json!({"kind": "mutual_medical", "name": "互助医疗", "year": year,
        "enrol_from": format!("{year}-01-01"), "enrol_to": format!("{year}-12-31")});
    let (s, b) = app.post(&admin, "/api/v1/benefits", body).await;
    assert_eq!(s, 201, "{b}");
    let bid = b["id"].as_i64().unwrap();
    let (s, _) =
        app.post(&cadre, &format!("/api/v1/benefits/{bid}/enrolments"), json!({"member_id": app.member_a})).await;
    assert_eq!(s, 200);
    assert_eq!(app.get(&admin, "/api/v1/work/items").await.1["total"], before);
}
