//! The closed loop end to end: deadlines in working days, the inbox, actions, review,
//! satisfaction reopening to the superior, escalation by the deadline scan, figures, files,
//! scope, and the scan running once when two nodes share a database.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};
use time::macros::date;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, b) = app.post(token, "/api/v1/work/items", body).await;
    assert_eq!(s, 201, "{b}");
    b["item"].clone()
}

async fn act(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    let (s, b) = app.post(token, &format!("/api/v1/work/items/{id}/actions"), body).await;
    (s.as_u16(), b)
}

async fn inbox_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let (s, b) = app.get(token, "/api/v1/work/inbox").await;
    assert_eq!(s, 200, "{b}");
    b["items"]["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

async fn scan(app: &TestApp, today: time::Date) -> store::work::ScanReport {
    let cal = store::calendar::load(&app.db).await.unwrap();
    store::work::scan(&app.db, &cal, today, &|| false).await.unwrap()
}

#[tokio::test]
async fn a_members_request_goes_round_the_whole_loop() {
    let app = spawn_app().await;
    let member = app.token("member_a").await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_a = app.token("cadre_a").await;
    let admin = app.token("admin").await;

    // A member raises a need from the phone: it goes to their own union.
    let item = create(&app, &member, json!({"kind": "need", "title": "车间夏季高温，申请防暑降温用品"})).await;
    let id = item["id"].as_i64().unwrap();
    assert_eq!(item["status"], "new");
    assert_eq!(item["owner_union_name"], "阳光机械公司工会");
    assert_eq!(item["requester_name"], "张阳光");
    // Due 5 working days after today, as the calendar counts them.
    let (_, due) =
        app.get(&member, &format!("/api/v1/calendar/add?date={}&days=5", item["received_on"].as_str().unwrap())).await;
    assert_eq!(item["due"], due["date"]);
    assert_eq!(item["days_left"], 5);

    // It is in the grassroots cadre's inbox, and counted in the header.
    assert_eq!(inbox_ids(&app, &cadre_a1).await, vec![id]);
    let (_, inbox) = app.get(&cadre_a1, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["todo"], 1);
    assert!(inbox_ids(&app, &cadre_a).await.is_empty(), "the town does not own it");

    // The member may not handle it; the owner accepts and must give a result to close.
    assert_eq!(act(&app, &member, id, json!({"action": "accept"})).await.0, 403);
    let (s, d) = act(&app, &cadre_a1, id, json!({"action": "accept"})).await;
    assert_eq!((s, d["item"]["status"].as_str()), (200, Some("in_progress")));
    let (s, body) = act(&app, &cadre_a1, id, json!({"action": "resolve"})).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "result");
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("办理结果"));
    let (s, d) = act(&app, &cadre_a1, id, json!({"action": "resolve", "result": "已发放绿豆汤和藿香正气水"})).await;
    assert_eq!(s, 200);
    assert_eq!(d["item"]["status"], "closed");
    assert_eq!(d["item"]["on_time"], 1);
    assert!(inbox_ids(&app, &cadre_a1).await.is_empty());
    let (_, notices) = app.get(&member, "/api/v1/notices").await;
    assert_eq!(notices[0]["text"], "事项已办结，请评价：车间夏季高温，申请防暑降温用品", "{notices}");

    // The member rates it: out of range is refused; 2 reopens it to the town for review.
    assert_eq!(inbox_ids(&app, &member).await, vec![id], "waiting for the member's rating");
    assert_eq!(act(&app, &member, id, json!({"action": "rate", "rating": 7})).await.0, 422);
    let (s, d) = act(&app, &member, id, json!({"action": "rate", "rating": 2, "note": "只发了一次"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["item"]["status"], "new");
    assert_eq!(d["item"]["owner_union_name"], "建阳镇总工会");
    assert_eq!(d["item"]["reopened"], 1);
    let actions: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "accept", "resolve", "rate", "reopen"]);
    assert_eq!(inbox_ids(&app, &cadre_a).await, vec![id]);
    let (_, notices) = app.get(&cadre_a, "/api/v1/notices").await;
    assert!(notices[0]["text"].as_str().unwrap().contains("不满意"), "{notices}");
    let (_, inbox) = app.get(&cadre_a, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["unread_notices"], 1);
    assert_eq!(app.post(&cadre_a, "/api/v1/notices/read", json!({})).await.1["marked"], 1);
    assert_eq!(app.post(&cadre_a, "/api/v1/notices/read", json!({})).await.1["marked"], 0);
    // A union's notices are read per person: a second cadre of the town still has it new.
    let root = store::unions::root(&app.db).await.unwrap().unwrap();
    let second = store::users::NewUser {
        username: "cadre_a_2".into(),
        name: "王二".into(),
        password: crate::helpers::PASSWORD.into(),
        role: "cadre".into(),
        union_code: Some("320925101".into()),
        department: None,
        member_id: None,
    };
    store::users::create(&app.db, &store::Actor::system(root.org_path()), &second).await.unwrap();
    let cadre_a_2 = app.token("cadre_a_2").await;
    let (_, inbox) = app.get(&cadre_a_2, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["unread_notices"], 1);
    let (_, mine) = app.get(&cadre_a_2, "/api/v1/notices").await;
    assert!(mine[0]["read_at"].is_null());
    let (_, theirs) = app.get(&cadre_a, "/api/v1/notices").await;
    assert!(theirs[0]["read_at"].is_i64(), "{theirs}");

    // The town settles it; this time the member is satisfied, and cannot rate twice.
    act(&app, &cadre_a, id, json!({"action": "resolve", "result": "每周两次送清凉到车间"})).await;
    let (_, inbox) = app.get(&cadre_a_2, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["unread_notices"], 0, "the town has dealt with what it was told");
    let (_, inbox) = app.get(&member, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["unread_notices"], 1, "the first request was dealt with by the first rating");
    let (s, d) = act(&app, &member, id, json!({"action": "rate", "rating": 5})).await;
    assert_eq!((s, d["item"]["status"].as_str()), (200, Some("closed")));
    let (_, inbox) = app.get(&member, "/api/v1/work/inbox").await;
    assert_eq!(inbox["counts"]["unread_notices"], 0, "rating it deals with the request");
    assert_eq!(act(&app, &member, id, json!({"action": "rate", "rating": 4})).await.0, 409);

    // The figures count one item, closed once (the reopened closure is taken back), two
    // ratings of which one satisfied, for the county and down the tree.
    let (s, f) = app.get(&admin, "/api/v1/work/figures").await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["total"]["received"], 1);
    assert_eq!(f["total"]["closed"], 1);
    assert_eq!(f["total"]["rated"], 2);
    assert_eq!(f["total"]["satisfaction_rate"], 0.5);
    assert_eq!(f["months"].as_array().unwrap().len(), 12);
    let town_a = f["children"].as_array().unwrap().iter().find(|c| c["code"] == "320925101").unwrap();
    assert_eq!(town_a["received"], 1);
    let town_b = f["children"].as_array().unwrap().iter().find(|c| c["code"] == "320925102").unwrap();
    assert_eq!(town_b["received"], 0);
    let (_, f) = app.get(&admin, "/api/v1/work/figures?union=A-001&kind=need").await;
    assert_eq!(f["total"]["closed"], 1);
    let (_, f) = app.get(&admin, "/api/v1/work/figures?kind=rights_case").await;
    assert_eq!(f["total"]["received"], 0);

    // A recount from the items agrees with the running counts.
    let before = app.get(&admin, "/api/v1/work/figures").await.1;
    store::indicators::recount(&app.db).await.unwrap();
    let after = app.get(&admin, "/api/v1/work/figures").await.1;
    assert_eq!(before, after);

    // The grassroots union moves to town B: its figures go with it, the county's stay.
    let (s, _) = app.post(&admin, "/api/v1/unions/A-001/move", json!({"parent_code": "320925102"})).await;
    assert_eq!(s, 200);
    let (_, f) = app.get(&admin, "/api/v1/work/figures").await;
    assert_eq!(f["total"]["received"], 1);
    let child = |code: &str| f["children"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap().clone();
    assert_eq!((child("320925101")["received"].as_i64(), child("320925102")["received"].as_i64()), (Some(0), Some(1)));
    let moved = app.get(&admin, "/api/v1/work/figures").await.1;
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(moved, app.get(&admin, "/api/v1/work/figures").await.1, "a recount agrees after the move");
}

#[tokio::test]
async fn a_member_with_two_accounts_is_asked_once_to_rate() {
    let app = spawn_app().await;
    // Nothing forbids a second account for one member: closing their request still works, and
    // the first account is asked to rate it.
    let root = store::unions::root(&app.db).await.unwrap().unwrap();
    let second = store::users::NewUser {
        username: "member_a_2".into(),
        name: String::new(),
        password: crate::helpers::PASSWORD.into(),
        role: "member".into(),
        union_code: None,
        department: None,
        member_id: Some(app.member_a),
    };
    store::users::create(&app.db, &store::Actor::system(root.org_path()), &second).await.unwrap();
    let member = app.token("member_a").await;
    let cadre_a1 = app.token("cadre_a1").await;
    let id = create(&app, &member, json!({"kind": "need", "title": "更衣室缺少储物柜"})).await["id"].as_i64().unwrap();
    let (s, d) = act(&app, &cadre_a1, id, json!({"action": "resolve", "result": "已添置储物柜"})).await;
    assert_eq!((s, d["item"]["status"].as_str()), (200, Some("closed")), "{d}");
    let (_, notices) = app.get(&member, "/api/v1/notices").await;
    assert_eq!(notices[0]["text"], "事项已办结，请评价：更衣室缺少储物柜", "{notices}");
    let (_, theirs) = app.get(&app.token("member_a_2").await, "/api/v1/notices").await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(0), "{theirs}");
}

#[tokio::test]
async fn deadlines_cross_holidays_and_overdue_items_climb_the_tree() {
    let app = spawn_app().await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_a = app.token("cadre_a").await;
    let dept = app.token("dept").await;

    // Received the day before National Day 2026: 10-01…10-07 off, Saturday 10-10 worked.
    let item =
        create(&app, &cadre_a1, json!({"kind": "need", "title": "食堂排队时间长", "received_on": "2026-09-29"})).await;
    assert_eq!(item["respond_due"], "2026-09-30");
    assert_eq!(item["due"], "2026-10-12");
    let id = item["id"].as_i64().unwrap();
    // Urgent, received the Friday before the Spring Festival break: the makeup Saturday
    // 02-14 counts, 02-15…02-23 do not.
    let urgent = create(
        &app,
        &cadre_a1,
        json!({"kind": "need", "title": "困难职工取暖", "priority": "urgent", "received_on": "2026-02-13"}),
    )
    .await;
    assert_eq!(urgent["due"], "2026-02-24");
    // A received date in the future or over a year back is refused.
    let (s, b) = app
        .post(&cadre_a1, "/api/v1/work/items", json!({"kind": "need", "title": "x", "received_on": "2030-01-01"}))
        .await;
    assert_eq!(s, 422, "{b}");

    // The day after the deadline, the scan escalates it to the town, with a new deadline of
    // two working days, notices to both, and a breach flag that stays.
    let r = scan(&app, date!(2026 - 10 - 13)).await;
    assert!(r.escalated >= 1 && r.response_breaches >= 1, "{r:?}");
    let (_, d) = app.get(&cadre_a, &format!("/api/v1/work/items/{id}")).await;
    assert_eq!(d["item"]["owner_union_name"], "建阳镇总工会");
    assert_eq!(d["item"]["due"], "2026-10-15");
    assert_eq!(d["item"]["escalations"], 1);
    assert_eq!(d["item"]["breached"], 1);
    assert!(inbox_ids(&app, &cadre_a).await.contains(&id));
    assert!(!inbox_ids(&app, &cadre_a1).await.contains(&id));
    let texts =
        |v: Value| v.as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(
        texts(app.get(&cadre_a1, "/api/v1/notices").await.1).iter().any(|t| t.contains("逾期已升级至建阳镇总工会"))
    );
    assert!(texts(app.get(&cadre_a, "/api/v1/notices").await.1).iter().any(|t| t.contains("逾期升级给您督办")));
    // The same day again: nothing more.
    let again = scan(&app, date!(2026 - 10 - 13)).await;
    assert_eq!((again.escalated, again.reminded), (0, 0));

    // One working day before the new deadline: a reminder each (the urgent one was escalated
    // the same day), once.
    assert_eq!(scan(&app, date!(2026 - 10 - 14)).await.reminded, 2);
    assert_eq!(scan(&app, date!(2026 - 10 - 14)).await.reminded, 0);
    let (_, d) = app.get(&cadre_a, &format!("/api/v1/work/items/{id}")).await;
    let actions: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "escalate", "remind"]);

    // Still open after that: up to the county, to the department the kind belongs to.
    scan(&app, date!(2026 - 10 - 16)).await;
    let (_, d) = app.get(&dept, &format!("/api/v1/work/items/{id}")).await;
    assert_eq!(d["item"]["owner_union_name"], "建湖县总工会");
    assert_eq!(d["item"]["owner_department"], "权益保障部");
    assert!(inbox_ids(&app, &dept).await.contains(&id));

    // Closed late: counted as closed, not on time.
    let (s, d) = act(&app, &dept, id, json!({"action": "resolve", "result": "增开两个窗口"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["item"]["on_time"], 0);
    let (_, f) = app.get(&app.token("admin").await, "/api/v1/work/figures?from=2026-09&to=2026-11").await;
    assert_eq!(f["total"]["closed"], 1);
    assert_eq!(f["total"]["closed_on_time"], 0);
    assert_eq!(f["total"]["on_time_rate"], 0.0);
    assert_eq!(f["total"]["overdue_now"], 1, "the urgent one is still open and overdue");
}

#[tokio::test]
async fn pausing_stops_the_clock_and_review_comes_before_closing() {
    let app = spawn_app().await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_a = app.token("cadre_a").await;

    // A rights case must be reviewed by the level above before it closes (质检后结案).
    let item = create(&app, &cadre_a1, json!({"kind": "rights_case", "title": "拖欠加班费"})).await;
    let id = item["id"].as_i64().unwrap();
    let due = item["due"].as_str().unwrap().to_string();

    // Pausing needs a reason; while paused no deadline runs; resuming today extends nothing.
    assert_eq!(act(&app, &cadre_a1, id, json!({"action": "pause"})).await.0, 422);
    let (s, d) = act(&app, &cadre_a1, id, json!({"action": "pause", "note": "等待职工提供考勤记录"})).await;
    assert_eq!((s, d["item"]["status"].as_str()), (200, Some("paused")));
    assert!(d["item"]["days_left"].is_null());
    assert_eq!(act(&app, &cadre_a1, id, json!({"action": "resolve", "result": "x"})).await.0, 422, "resume first");
    let (_, d) = act(&app, &cadre_a1, id, json!({"action": "resume"})).await;
    assert_eq!(d["item"]["due"], due.as_str());
    assert_eq!(d["item"]["paused_days"], 0);

    let (_, d) = act(&app, &cadre_a1, id, json!({"action": "resolve", "result": "企业已补发"})).await;
    assert_eq!(d["item"]["status"], "review");
    assert!(d["item"]["closed_on"].is_null());
    // Nobody passes their own work: the owner may not approve; the town reviews it.
    assert_eq!(act(&app, &cadre_a1, id, json!({"action": "approve"})).await.0, 403);
    assert!(inbox_ids(&app, &cadre_a).await.contains(&id));
    let (_, d) = act(&app, &cadre_a, id, json!({"action": "return", "note": "请附补发凭证"})).await;
    assert_eq!(d["item"]["status"], "in_progress");
    act(&app, &cadre_a1, id, json!({"action": "resolve", "result": "企业已补发，凭证已上传"})).await;
    let (s, d) = act(&app, &cadre_a, id, json!({"action": "approve"})).await;
    assert_eq!((s, d["item"]["status"].as_str()), (200, Some("closed")));

    // Paused time does not count: pause on a past item and resume later, the deadline moves by
    // the working days paused.
    let old = create(&app, &cadre_a1, json!({"kind": "need", "title": "宿舍漏水", "received_on": "2026-11-02"})).await;
    let old_id = old["id"].as_i64().unwrap();
    sqlx::query("UPDATE work_items SET status = 'paused', paused_on = '2026-11-16' WHERE id = $1")
        .bind(old_id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (_, d) = act(&app, &cadre_a1, old_id, json!({"action": "resume"})).await;
    let cal = domain::Calendar::official();
    let paused = cal.working_days_between(date!(2026 - 11 - 16), crate_today());
    assert_eq!(d["item"]["paused_days"], paused);
    let expected = cal.add_working_days(domain::parse_date(old["due"].as_str().unwrap()).unwrap(), paused as u32);
    assert_eq!(d["item"]["due"], domain::fmt_date(expected));
}

fn crate_today() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

#[tokio::test]
async fn other_subtrees_get_nothing_from_any_work_route() {
    let app = spawn_app().await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_b = app.token("cadre_b").await;
    let item = create(
        &app,
        &cadre_a1,
        json!({"kind": "care", "title": "住院慰问", "subject_type": "member", "subject_id": app.member_a}),
    )
    .await;
    let id = item["id"].as_i64().unwrap();
    assert_eq!(item["subject_name"], "张阳光");
    let part =
        reqwest::multipart::Part::bytes(b"photo".to_vec()).file_name("visit.jpg").mime_str("image/jpeg").unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/work/items/{id}/attachments")))
        .bearer_auth(&cadre_a1)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let att = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .client
        .get(app.url(&format!("/api/v1/work/items/{id}/attachments/{att}")))
        .bearer_auth(&cadre_a1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"photo");

    // Town B's cadre: every route answers as if the item did not exist.
    for path in [format!("/api/v1/work/items/{id}"), format!("/api/v1/work/items/{id}/attachments/{att}")] {
        assert_eq!(app.get(&cadre_b, &path).await.0, 404, "{path}");
    }
    for action in ["accept", "comment", "resolve", "forward"] {
        assert_eq!(
            act(&app, &cadre_b, id, json!({"action": action, "note": "x", "result": "x", "to_union": "B-001"})).await.0,
            404
        );
    }
    let part = reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt");
    let r = app
        .client
        .post(app.url(&format!("/api/v1/work/items/{id}/attachments")))
        .bearer_auth(&cadre_b)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, list) = app.get(&cadre_b, "/api/v1/work/items").await;
    assert_eq!(list["total"], 0);
    assert!(inbox_ids(&app, &cadre_b).await.is_empty());
    assert_eq!(app.get(&cadre_b, "/api/v1/work/figures?union=320925101").await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/work/figures?union=A-001").await.0, 404);
    let (_, own) = app.get(&cadre_b, "/api/v1/work/figures").await;
    assert_eq!(own["union_code"], "320925102");
    assert_eq!(own["total"]["received"], 0);
    assert!(own["parent_code"].is_null(), "the county is above town B's scope");
    assert_eq!(app.get(&cadre_b, "/api/v1/work/figures/export?union=A-001").await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/work/figures/chart.svg?union=A-001").await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/notices").await.1, json!([]));
    // A forward may not send it into a subtree the forwarder cannot see.
    let (s, b) = act(&app, &cadre_a1, id, json!({"action": "forward", "to_union": "B-001"})).await;
    assert_eq!(s, 422, "{b}");
    // The member the item is about sees it (and nothing of town B's).
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, &format!("/api/v1/work/items/{id}")).await.0, 200);
    assert_eq!(app.get(&member, "/api/v1/work/figures").await.0, 403);
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    // Search words are taken literally: % and _ match only themselves.
    create(&app, &cadre, json!({"kind": "need", "title": "食堂饭菜涨价"})).await;
    let (_, all) = app.get(&admin, "/api/v1/work/items?q=%25").await;
    assert_eq!(all["total"], 0, "{all}");
    let (_, found) = app.get(&admin, "/api/v1/work/items?q=涨价").await;
    assert_eq!(found["total"], 1);
    let (s, b) = app.post(&cadre, "/api/v1/work/items", json!({"kind": "need", "title": "发票\u{202E}fdp.exe"})).await;
    assert_eq!(s, 422, "a right-to-left override is refused: {b}");
    let (s, b) = app.post(&cadre, "/api/v1/work/items", json!({"kind": "nope", "title": ""})).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "title"]);
    let (s, _) = app.post(&cadre, "/api/v1/work/items", json!({"kind": "need", "title": "字".repeat(101)})).await;
    assert_eq!(s, 422);
    let (s, _) =
        app.post(&cadre, "/api/v1/work/items", json!({"kind": "need", "title": "x", "department": "不存在的部"})).await;
    assert_eq!(s, 422);
    assert_eq!(app.get(&admin, "/api/v1/work/items").await.1["total"], 1, "nothing half-written (the one made above)");

    let item = create(&app, &cadre, json!({"kind": "need", "title": "路灯不亮"})).await;
    let id = item["id"].as_i64().unwrap();
    assert_eq!(act(&app, &cadre, id, json!({"action": "fly"})).await.0, 422);
    assert_eq!(act(&app, &cadre, id, json!({"action": "escalate"})).await.0, 422);
    assert_eq!(act(&app, &cadre, id, json!({"action": "approve"})).await.0, 403);
    assert_eq!(act(&app, &cadre, id, json!({"action": "comment"})).await.0, 422);
    let big = vec![0u8; store::work::MAX_ATTACHMENT_BYTES + 1];
    let part = reqwest::multipart::Part::bytes(big).file_name("big.pdf");
    let r = app
        .client
        .post(app.url(&format!("/api/v1/work/items/{id}/attachments")))
        .bearer_auth(&cadre)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let (_, d) = app.get(&cadre, &format!("/api/v1/work/items/{id}")).await;
    assert_eq!(d["attachments"], json!([]));
    assert_eq!(d["events"].as_array().unwrap().len(), 1);

    // Service levels: administrators only, checked.
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &cadre,
            "/api/v1/work/kinds/need/sla",
            json!({"priority": "normal", "respond_days": 1, "close_days": 3}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            "/api/v1/work/kinds/need/sla",
            json!({"priority": "normal", "respond_days": 4, "close_days": 3}),
        )
        .await;
    assert_eq!(s, 422);
    let (s, k) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            "/api/v1/work/kinds/need/sla",
            json!({"priority": "normal", "respond_days": 1, "close_days": 3}),
        )
        .await;
    assert_eq!(s, 200, "{k}");
    assert_eq!(k["normal"]["close_days"], 3);
    let later = create(&app, &cadre, json!({"kind": "need", "title": "新标准"})).await;
    assert_eq!(later["days_left"], 3);
    assert_eq!(app.get(&cadre, "/api/v1/work/figures?from=2026-13").await.0, 422);
    assert_eq!(app.get(&cadre, "/api/v1/work/figures?from=2010-01&to=2026-01").await.0, 422);
}

#[tokio::test]
async fn next_years_calendar_is_loaded_once_and_counted_everywhere() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a").await;
    let year = json!({"days_off": [{"date": "2027-01-01", "holiday": "元旦"}, {"date": "2027-01-04", "holiday": "元旦"}], "makeup_workdays": ["2027-01-09"]});
    assert_eq!(app.send(reqwest::Method::PUT, &cadre, "/api/v1/calendar/2027/days", year.clone()).await.0, 403);
    let bad = json!({"days_off": [{"date": "2028-01-01", "holiday": "元旦"}], "makeup_workdays": []});
    let (s, b) = app.send(reqwest::Method::PUT, &admin, "/api/v1/calendar/2027/days", bad).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("不在 2027 年"), "{b}");
    let (s, y) = app.send(reqwest::Method::PUT, &admin, "/api/v1/calendar/2027/days", year).await;
    assert_eq!(s, 200, "{y}");
    assert_eq!(y["known"], true);
    // 2026-12-31 + 2 working days: 01-01 and 01-04 off, so 01-05, 01-06.
    let (_, d) = app.get(&cadre, "/api/v1/calendar/add?date=2026-12-31&days=2").await;
    assert_eq!(d, json!({"date": "2027-01-06", "known": true}));
    // Another node reading the database counts on the same year.
    let cal = store::calendar::load(&app.db).await.unwrap();
    assert!(cal.knows(2027) && cal.is_working_day(date!(2027 - 01 - 09)));

    // In December, administrators are warned while next year is missing.
    let sys = store::Actor::system(domain::OrgPath::root(1));
    let warn = store::work::header(&app.db, &cal, &sys, date!(2027 - 12 - 01)).await.unwrap();
    assert_eq!(warn.calendar_missing, Some(2028));
    let fine = store::work::header(&app.db, &cal, &sys, date!(2026 - 12 - 01)).await.unwrap();
    assert_eq!(fine.calendar_missing, None);
    let july = store::work::header(&app.db, &cal, &sys, date!(2027 - 07 - 01)).await.unwrap();
    assert_eq!(july.calendar_missing, None);
}

/// Two nodes on one database: each slot of the scan runs on exactly one of them, and even two
/// scans at once never escalate or remind an item twice.
#[tokio::test]
async fn two_nodes_run_each_scan_once() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a1").await;
    let ids: Vec<i64> = {
        let mut v = Vec::new();
        for i in 0..5 {
            let it =
                create(&app, &cadre, json!({"kind": "need", "title": format!("事项{i}"), "received_on": "2026-09-01"}))
                    .await;
            v.push(it["id"].as_i64().unwrap());
        }
        v
    };
    // A second node: its own pool on the same database.
    let other = gonghui::startup::open_db(&app.settings).await.unwrap();
    let cal = store::calendar::load(&app.db).await.unwrap();
    let today = date!(2026 - 11 - 25);
    let (a, b) = tokio::join!(
        store::work::run_scheduled(&app.db, &cal, today, "2026-11-25T10:00", "node-a", &|| false),
        store::work::run_scheduled(&other, &cal, today, "2026-11-25T10:00", "node-b", &|| false),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_some() != b.is_some(), "exactly one node runs the slot: {a:?} {b:?}");
    assert_eq!(a.or(b).unwrap().escalated, 5);
    // Two raw scans at once (e.g. an operator's `gonghui jobs run` during a scheduled one).
    let (a, b) = tokio::join!(
        store::work::scan(&app.db, &cal, date!(2026 - 12 - 10), &|| false),
        store::work::scan(&other, &cal, date!(2026 - 12 - 10), &|| false),
    );
    assert_eq!(a.unwrap().escalated + b.unwrap().escalated, 5, "each item escalated once more, not twice");
    for id in ids {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM work_events WHERE item_id = $1 AND action = 'escalate'")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(n, 2, "item {id}");
    }
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM job_runs").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(runs, 1);
    // A later slot runs again (and finds nothing new to do).
    let next = store::work::run_scheduled(&other, &cal, today, "2026-11-25T10:05", "node-b", &|| false).await.unwrap();
    assert_eq!(next.map(|r| r.escalated), Some(0));
    other.close().await;
}

#[tokio::test]
async fn the_pages_show_the_loop() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a1").await;
    let item = create(&app, &cadre, json!({"kind": "need", "title": "更衣室缺少储物柜"})).await;
    let id = item["id"].as_i64().unwrap();
    app.page_login("cadre_a1").await;
    let (s, html) = app.page("/work").await;
    assert_eq!(s, 200);
    assert!(html.contains("更衣室缺少储物柜"));
    assert!(html.contains(">1 件待办<"), "header count on every page");
    let (_, home) = app.page("/members").await;
    assert!(home.contains(">1 件待办<"));
    let csrf = app.csrf().await;
    // Accept through the item page's form.
    let r = app
        .client
        .post(app.url(&format!("/work/{id}/act")))
        .form(&[("csrf", csrf.as_str()), ("action", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page(&format!("/work/{id}?done=accept")).await;
    assert!(html.contains("已受理") && html.contains("办理中"), "{html}");
    // Resolving without a result re-shows the page with the reason.
    let r = app
        .client
        .post(app.url(&format!("/work/{id}/act")))
        .form(&[("csrf", csrf.as_str()), ("action", "resolve"), ("result", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请填写办理结果"));
    // A file through the page.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("回执.pdf"));
    let r = app.client.post(app.url(&format!("/work/{id}/files"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page(&format!("/work/{id}")).await;
    assert!(html.contains("回执.pdf"));
    // Registering with a bad form keeps what was typed.
    let r = app
        .client
        .post(app.url("/work/new"))
        .form(&[("csrf", csrf.as_str()), ("kind", "need"), ("title", ""), ("body", "保留的内容")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("请填写标题") && html.contains("保留的内容"));

    let (s, html) = app.page("/work/figures").await;
    assert_eq!(s, 200);
    assert!(html.contains("<svg") && html.contains("按期办结率"));
    let r = app.client.get(app.url("/work/figures/export")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (s, html) = app.page("/calendar/2026").await;
    assert_eq!(s, 200);
    assert!(html.contains("全年 248 个工作日"), "248 working days in 2026");
    assert!(!html.contains("编辑 2026 年安排"), "only administrators edit");
    let (_, list) = app.page("/work/all?status=in_progress").await;
    assert!(list.contains("更衣室缺少储物柜"));
    let (_, none) = app.page("/work/all?status=closed").await;
    assert!(!none.contains("更衣室缺少储物柜"));

    // Town B's cadre sees none of it.
    app.page_login("cadre_b").await;
    assert_eq!(app.page(&format!("/work/{id}")).await.0, 404);
    assert_eq!(app.page(&format!("/work/{id}/files/1")).await.0, 404);
    let (_, html) = app.page("/work").await;
    assert!(!html.contains("更衣室缺少储物柜"));
}

#[tokio::test]
async fn openapi_describes_the_work_routes() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in [
        "/api/v1/work/items",
        "/api/v1/work/items/{id}/actions",
        "/api/v1/work/inbox",
        "/api/v1/work/figures",
        "/api/v1/calendar/{year}/days",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    // A client generated from the document sends the date and the days as a query string.
    for p in doc["paths"]["/api/v1/calendar/add"]["get"]["parameters"].as_array().unwrap() {
        assert_eq!(p["in"], "query", "{p}");
    }
}
