//! 五必 member care end to end: every event kind creates the obligations of the care policy
//! with the right owners and working-day deadlines; payments keep to the policy's range, once
//! per event, within the yearly cap, with approval above the line; members report their own;
//! other subtrees get nothing; bad input is refused and changes nothing; the pages work.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn record(app: &TestApp, token: &str, member: i64, kind: &str) -> Value {
    let today = today(app, token).await;
    let (s, b) =
        app.post(token, "/api/v1/care/events", json!({"member_id": member, "kind": kind, "date": today})).await;
    assert_eq!(s, 201, "{kind}: {b}");
    b
}

/// Today as the server counts it (China time).
async fn today(_app: &TestApp, _token: &str) -> String {
    domain::fmt_date(web::today())
}

async fn due_after(app: &TestApp, token: &str, from: &str, days: u32) -> String {
    let (_, b) = app.get(token, &format!("/api/v1/calendar/add?date={from}&days={days}")).await;
    b["date"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_event_creates_the_policys_obligations_with_their_deadlines() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a1").await;
    let (s, policy) = app.get(&cadre, "/api/v1/care/policy").await;
    assert_eq!(s, 200, "{policy}");
    let rules = policy["rules"].as_array().unwrap();
    let kinds = [
        "marriage",
        "childbirth",
        "award",
        "hospitalisation",
        "illness",
        "bereavement",
        "disaster",
        "retirement",
        "hardship",
    ];
    for kind in kinds {
        let d = record(&app, &cadre, app.member_a, kind).await;
        let recorded = d["event"]["recorded_on"].as_str().unwrap().to_string();
        let want: Vec<&Value> = rules.iter().filter(|r| r["event"] == kind).collect();
        let got = d["obligations"].as_array().unwrap();
        assert!(!want.is_empty(), "the default policy answers {kind}");
        assert_eq!(got.len(), want.len(), "{kind}: {d}");
        for r in want {
            let o = got.iter().find(|o| o["action"] == r["action"]).unwrap_or_else(|| panic!("{kind} {r}"));
            let owner = match r["level"].as_str().unwrap() {
                "own" => "阳光机械公司工会",
                "town" => "建阳镇总工会",
                _ => "建湖县总工会·职工服务中心（帮扶中心）",
            };
            assert_eq!(o["owner"], owner, "{kind} {r}");
            let days = r["days"].as_u64().unwrap() as u32;
            assert_eq!(o["due"], due_after(&app, &cadre, &recorded, days).await, "{kind} {r}");
            assert_eq!(o["status"], "new");
            // The obligation is a real work item about the member, in the owner's inbox.
            let (s, item) = app.get(&cadre, &format!("/api/v1/work/items/{}", o["work_item_id"])).await;
            assert_eq!(s, 200);
            assert_eq!(item["item"]["kind"], "care");
            assert_eq!(item["item"]["subject_id"], app.member_a);
            assert_eq!(item["item"]["due"], o["due"]);
        }
    }
    // 有喜必贺 for a marriage: the grassroots union congratulates and pays.
    let (_, list) = app.get(&cadre, "/api/v1/care/events?kind=marriage").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["principle"], "有喜必贺");
    assert_eq!(list["items"][0]["open"], 2);
    // The town's cadre has the town-level obligations (illness: visit, help, payment; disaster:
    // visit; hardship: help) in their inbox; the county's care department the rest.
    let town = app.token("cadre_a").await;
    let (_, inbox) = app.get(&town, "/api/v1/work/inbox").await;
    assert_eq!(inbox["items"]["total"], 5, "{inbox}");
    let (_, all) = app.get(&cadre, "/api/v1/care/events").await;
    assert_eq!(all["total"], 9);
    // The member's own record lists every event and obligation.
    let (s, mine) = app.get(&cadre, &format!("/api/v1/members/{}/care", app.member_a)).await;
    assert_eq!(s, 200);
    assert_eq!(mine["events"].as_array().unwrap().len(), 9);
    assert_eq!(mine["obligations"].as_array().unwrap().len(), rules.len());
}

#[tokio::test]
async fn payments_keep_to_range_cap_approval_and_once_per_event() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    let town = app.token("cadre_a").await;
    let (s, b) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            "/api/v1/care/money",
            json!({"yearly_cap_yuan": "3000", "approval_above_yuan": "900"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, _) =
        app.send(reqwest::Method::PUT, &admin, "/api/v1/care/budgets/2026", json!({"amount_yuan": "1,000,000"})).await;
    assert_eq!(s, 200);

    // Hospitalisation: ¥300–1000 by the member's own union.
    let ev = record(&app, &cadre, app.member_a, "hospitalisation").await;
    let eid = ev["event"]["id"].as_i64().unwrap();
    let (s, b) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid, "amount": "2000"})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("300.00 至 1,000.00"), "{b}");
    let (s, p) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid, "amount": "800"})).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!((p["status"].as_str(), p["amount_fen"].as_i64()), (Some("paid"), Some(80_000)));
    // Paying closed the payment obligation, with the payment as its result.
    let (_, d) = app.get(&cadre, &format!("/api/v1/care/events/{eid}")).await;
    let pay = d["obligations"].as_array().unwrap().iter().find(|o| o["action"] == "payment").unwrap().clone();
    assert_eq!(pay["status"], "closed", "{d}");
    let (_, item) = app.get(&cadre, &format!("/api/v1/work/items/{}", pay["work_item_id"])).await;
    assert!(item["item"]["result"].as_str().unwrap().contains("800.00"));
    // Never twice for one event.
    let (s, b) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid, "amount": "500"})).await;
    assert_eq!(s, 409, "{b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("不能重复发放"));

    // Serious illness: the town pays ¥1000–5000; 1500 is above the approval line.
    let ev = record(&app, &cadre, app.member_a, "illness").await;
    let eid2 = ev["event"]["id"].as_i64().unwrap();
    let (s, p) = app.post(&town, "/api/v1/care/payments", json!({"event_id": eid2, "amount": "1500"})).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["status"], "pending");
    let pid = p["id"].as_i64().unwrap();
    assert_eq!(
        app.post(&town, &format!("/api/v1/care/payments/{pid}/decision"), json!({"approve": true})).await.0,
        403
    );
    let (_, l) = app.get(&admin, "/api/v1/care/payments?year=2026").await;
    assert_eq!((l["paid_fen"].as_i64(), l["pending_fen"].as_i64()), (Some(80_000), Some(150_000)), "{l}");
    assert_eq!(l["budget_fen"], 100_000_000);
    let (s, p) = app.post(&admin, &format!("/api/v1/care/payments/{pid}/decision"), json!({"approve": true})).await;
    assert_eq!((s.as_u16(), p["status"].as_str()), (200, Some("paid")));
    assert_eq!(
        app.post(&admin, &format!("/api/v1/care/payments/{pid}/decision"), json!({"approve": true})).await.0,
        409
    );

    // Bereavement would take the person past ¥3000 this year: refused, saying what is left.
    let ev = record(&app, &cadre, app.member_a, "bereavement").await;
    let eid3 = ev["event"]["id"].as_i64().unwrap();
    let (s, b) = app.post(&cadre, "/api/v1/care/payments", json!({"event_id": eid3, "amount": "800"})).await;
    assert_eq!(s, 422, "{b}");
    let msg = b["error"]["fields"][0]["message_zh"].as_str().unwrap();
    assert!(msg.contains("最多还可发放 700.00 元"), "{msg}");
    // Aid without an event, within what is left.
    let (s, p) = app
        .post(&cadre, "/api/v1/care/payments", json!({"member_id": app.member_a, "purpose": "aid", "amount": "700"}))
        .await;
    assert_eq!(s, 201, "{p}");
    let (_, mine) = app.get(&cadre, &format!("/api/v1/members/{}/care", app.member_a)).await;
    assert_eq!(mine["this_year_fen"], 300_000);
    // Members and leaders do not pay; a policy event that pays nothing takes no payment.
    let member = app.token("member_a").await;
    assert_eq!(
        app.post(&member, "/api/v1/care/payments", json!({"member_id": app.member_a, "amount": "1"})).await.0,
        403
    );
    let leader = app.token("leader").await;
    assert_eq!(app.get(&leader, "/api/v1/care/payments").await.0, 200);
    assert_eq!(
        app.post(&leader, "/api/v1/care/payments", json!({"member_id": app.member_a, "amount": "1"})).await.0,
        403
    );
    let ev = record(&app, &cadre, app.member_a, "award").await;
    let (s, b) =
        app.post(&cadre, "/api/v1/care/payments", json!({"event_id": ev["event"]["id"], "amount": "100"})).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("不发放慰问金"), "{b}");
    // Every payment and decision is in the audit log.
    let (_, audit) = app.get(&admin, "/api/v1/audit?action=care.payment").await;
    assert_eq!(audit["total"], 3, "{audit}");
}

#[tokio::test]
async fn other_subtrees_get_nothing_from_any_care_route() {
    let app = spawn_app().await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_b = app.token("cadre_b").await;
    let ev = record(&app, &cadre_a1, app.member_a, "hospitalisation").await;
    let eid = ev["event"]["id"].as_i64().unwrap();
    let (s, p) = app.post(&cadre_a1, "/api/v1/care/payments", json!({"event_id": eid, "amount": "500"})).await;
    assert_eq!(s, 201);
    let pid = p["id"].as_i64().unwrap();

    assert_eq!(app.get(&cadre_b, &format!("/api/v1/care/events/{eid}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/care/payments/{pid}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/members/{}/care", app.member_a)).await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/care/events").await.1["total"], 0);
    assert_eq!(app.get(&cadre_b, "/api/v1/care/events?union=A-001").await.0, 404);
    let (_, l) = app.get(&cadre_b, "/api/v1/care/payments").await;
    assert_eq!((l["payments"]["total"].as_i64(), l["paid_fen"].as_i64()), (Some(0), Some(0)), "{l}");
    assert!(l["budget_fen"].is_null());
    let today = today(&app, &cadre_b).await;
    let body = json!({"member_id": app.member_a, "kind": "marriage", "date": today});
    assert_eq!(app.post(&cadre_b, "/api/v1/care/events", body).await.0, 404);
    assert_eq!(app.post(&cadre_b, "/api/v1/care/payments", json!({"event_id": eid, "amount": "500"})).await.0, 404);
    let aid = json!({"member_id": app.member_a, "amount": "100"});
    assert_eq!(app.post(&cadre_b, "/api/v1/care/payments", aid).await.0, 404);
    assert_eq!(
        app.post(&cadre_b, &format!("/api/v1/care/payments/{pid}/decision"), json!({"approve": false})).await.0,
        403
    );
    // Town B's cadre may read the policy, not change it.
    assert_eq!(app.get(&cadre_b, "/api/v1/care/policy").await.0, 200);
    let rule = json!({"level": "own", "days": "3"});
    assert_eq!(app.send(reqwest::Method::PUT, &cadre_b, "/api/v1/care/policy/award/visit", rule).await.0, 403);

    // A member sees their own care and reports their own events, nobody else's.
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, &format!("/api/v1/care/events/{eid}")).await.0, 200);
    assert_eq!(app.get(&member, &format!("/api/v1/members/{}/care", app.member_b)).await.0, 404);
    let (s, d) = app.post(&member, "/api/v1/care/events", json!({"kind": "childbirth", "date": today})).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["event"]["self_reported"], 1);
    assert_eq!(d["event"]["reporter_name"], "张阳光（本人）");
    let other = json!({"member_id": app.member_b, "kind": "childbirth", "date": today});
    assert_eq!(app.post(&member, "/api/v1/care/events", other).await.0, 404);
    assert_eq!(app.get(&member, "/api/v1/care/events").await.1["total"], 2);
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    let (s, b) = app.post(&cadre, "/api/v1/care/events", json!({"kind": "wedding", "date": "2099-01-01"})).await;
    assert_eq!(s, 422, "{b}");
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "date", "member_id"], "{b}");
    assert!(b["error"]["fields"][1]["message_zh"].as_str().unwrap().contains("不能晚于今天"));
    assert!(b["error"]["fields"][1]["message"].as_str().unwrap().contains("future"));
    let long = "很".repeat(1001);
    let (s, _) = app
        .post(
            &cadre,
            "/api/v1/care/events",
            json!({"member_id": app.member_a, "kind": "marriage", "date": "2026-11-01", "note": long}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        app.post(
            &cadre,
            "/api/v1/care/events",
            json!({"member_id": 999_999, "kind": "marriage", "date": "2026-11-01"})
        )
        .await
        .0,
        404
    );
    assert_eq!(app.get(&admin, "/api/v1/care/events").await.1["total"], 0);
    assert_eq!(app.get(&admin, "/api/v1/work/items").await.1["total"], 0, "no half-written event");
    let (s, b) = app.post(&cadre, "/api/v1/care/payments", json!({"member_id": app.member_a, "amount": "1.234"})).await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"][0]["field"], "amount");

    // Policy: only county administrators; every field checked.
    let (s, b) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            "/api/v1/care/policy/wedding/payment",
            json!({"level": "village", "days": "0", "min_yuan": "500", "max_yuan": "200"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["event", "level", "days", "max"], "{b}");
    // A change applies to events recorded afterwards.
    let rule = json!({"level": "own", "days": "4", "min_yuan": "100", "max_yuan": "300"});
    let (s, b) = app.send(reqwest::Method::PUT, &admin, "/api/v1/care/policy/award/payment", rule).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["range"], "100.00–300.00 元");
    let d = record(&app, &cadre, app.member_a, "award").await;
    assert_eq!(d["obligations"].as_array().unwrap().len(), 2);
    assert_eq!(app.send(reqwest::Method::DELETE, &admin, "/api/v1/care/policy/award/payment", json!({})).await.0, 204);
    assert_eq!(app.send(reqwest::Method::DELETE, &admin, "/api/v1/care/policy/award/payment", json!({})).await.0, 404);
    let d = record(&app, &cadre, app.member_a, "award").await;
    assert_eq!(d["obligations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_care_pages_record_show_and_pay() {
    let app = spawn_app().await;
    app.page_login("cadre_a1").await;
    let csrf = app.csrf().await;
    let (s, html) = app.page(&format!("/care/new?member={}", app.member_a)).await;
    assert_eq!(s, 200);
    assert!(html.contains("登记关爱事件：张阳光"));
    // A bad date re-shows the form with the reason and what was typed.
    let member = app.member_a.to_string();
    let r = app
        .client
        .post(app.url("/care/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("member", &member),
            ("kind", "hospitalisation"),
            ("date", "昨天"),
            ("note", "阑尾炎"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("请填写发生日期") && html.contains("阑尾炎"));
    let today = today(&app, "").await;
    let r = app
        .client
        .post(app.url("/care/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("member", &member),
            ("kind", "hospitalisation"),
            ("date", &today),
            ("note", "阑尾炎"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&to).await;
    assert!(
        html.contains("应办事项已按关爱政策派发") && html.contains("走访慰问") && html.contains("发放慰问金"),
        "{html}"
    );
    // Pay through the page: out of range first, then within.
    let id = to.trim_start_matches("/care/events/").split('?').next().unwrap().to_string();
    let r = app
        .client
        .post(app.url(&format!("/care/events/{id}/pay")))
        .form(&[("csrf", csrf.as_str()), ("amount", "5000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("300.00 至 1,000.00"));
    let r = app
        .client
        .post(app.url(&format!("/care/events/{id}/pay")))
        .form(&[("csrf", csrf.as_str()), ("amount", "600")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page(&format!("/care/events/{id}?done=paid")).await;
    assert!(html.contains("600.00") && html.contains("已发放"));
    // The member page, the list and the ledger show it.
    let (_, html) = app.page(&format!("/members/{}", app.member_a)).await;
    assert!(html.contains("关爱记录") && html.contains("住院") && html.contains("600.00"));
    let (_, html) = app.page("/care").await;
    assert!(html.contains("张阳光") && html.contains("有因必访"));
    let (s, html) = app.page("/care/payments").await;
    assert_eq!(s, 200);
    assert!(html.contains("600.00 元"));
    let (s, html) = app.page("/care/policy").await;
    assert_eq!(s, 200);
    assert!(html.contains("有喜必贺") || html.contains("结婚"));
    assert!(!html.contains("新增或修改一项规定"), "only county administrators edit the policy");
    // A county administrator edits the policy on the page.
    app.page_login("admin").await;
    let csrf = app.csrf().await;
    let r = app
        .client
        .post(app.url("/care/policy"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("event", "retirement"),
            ("action", "visit"),
            ("level", "town"),
            ("days", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/care/policy?done=rule").await;
    assert!(html.contains("关爱政策已保存"));
    let r = app
        .client
        .post(app.url("/care/policy"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("event", "retirement"),
            ("action", "visit"),
            ("level", "town"),
            ("days", "99"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("时限应为 1 到 60 个工作日"));
    // A member's phone pages offer what they may use, and report an event of their own.
    app.page_login("member_a").await;
    for path in ["/care", "/hardship", "/care/policy"] {
        let (s, html) = app.page(path).await;
        assert_eq!(s, 200, "{path}");
        assert!(
            !html.contains("href=\"/care/campaigns\"") && !html.contains("href=\"/care/figures\""),
            "{path}: staff tabs"
        );
    }
    let (_, html) = app.page("/care").await;
    assert!(html.contains("报告喜事或难事"));
    let csrf = app.csrf().await;
    let r = app
        .client
        .post(app.url("/care/new"))
        .form(&[("csrf", csrf.as_str()), ("kind", "childbirth"), ("date", &today), ("note", "喜得千金")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/care").await;
    assert!(html.contains("张阳光（本人）"), "{html}");
}

#[tokio::test]
async fn openapi_describes_the_care_routes() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/api/v1/care/events", "/api/v1/care/payments", "/api/v1/care/policy", "/api/v1/members/{id}/care"] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

#[tokio::test]
async fn figures_count_obligations_on_time_overdue_and_money() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    // Hospitalisation today: visit (3 days) and payment, paid at once; marriage today, open.
    let ev = record(&app, &cadre, app.member_a, "hospitalisation").await;
    let (s, _) =
        app.post(&cadre, "/api/v1/care/payments", json!({"event_id": ev["event"]["id"], "amount": "500"})).await;
    assert_eq!(s, 201);
    record(&app, &cadre, app.member_a, "marriage").await;
    // A bereavement recorded three weeks ago and never visited: overdue now.
    let cal = store::calendar::load(&app.db).await.unwrap();
    let root = store::unions::root(&app.db).await.unwrap().unwrap();
    let sys = store::Actor::system(root.org_path());
    let then = web::today() - time::Duration::days(21);
    let old = store::care::NewEvent {
        member_id: Some(app.member_a),
        kind: "bereavement".into(),
        date: domain::fmt_date(then),
        note: None,
    };
    store::care::record_event(&app.db, &cal, &sys, &old, then).await.unwrap();

    let (s, f) = app.get(&admin, "/api/v1/care/figures").await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["total"]["events"], 3);
    assert_eq!(f["total"]["obligations"], 6, "2 + 2 + 2 under the default policy: {f}");
    assert_eq!(f["total"]["done"], 1);
    assert_eq!(f["total"]["done_on_time"], 1);
    assert_eq!(f["total"]["overdue_now"], 2, "the bereavement's visit and payment");
    assert_eq!(f["total"]["paid_fen"], 50_000);
    let kind = |k: &str| f["by_kind"].as_array().unwrap().iter().find(|r| r["kind"] == k).unwrap()["figures"].clone();
    assert_eq!(kind("hospitalisation")["done"], 1);
    assert_eq!(kind("bereavement")["overdue_now"], 2);
    assert_eq!(kind("award")["events"], 0);
    let child =
        |code: &str| f["children"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["figures"].clone();
    assert_eq!(child("320925101")["events"], 3);
    assert_eq!(child("320925102")["events"], 0);
    let months = f["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months.iter().map(|m| m["figures"]["events"].as_i64().unwrap()).sum::<i64>(), 3);

    // Drill-down, export and chart; other subtrees and members get nothing.
    let (_, town) = app.get(&admin, "/api/v1/care/figures?union=320925101").await;
    assert_eq!(town["children"][0]["figures"]["events"], 3);
    assert_eq!(town["parent_code"], "320925");
    let r = app.client.get(app.url("/api/v1/care/figures/export")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = app.client.get(app.url("/api/v1/care/figures/chart.svg")).bearer_auth(&admin).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("按月关爱事项"));
    let cadre_b = app.token("cadre_b").await;
    assert_eq!(app.get(&cadre_b, "/api/v1/care/figures?union=A-001").await.0, 404);
    let (_, own) = app.get(&cadre_b, "/api/v1/care/figures").await;
    assert_eq!(own["total"]["events"], 0);
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/care/figures").await.0, 403);
    let (s, b) = app.get(&admin, "/api/v1/care/figures?from=2026-13").await;
    assert_eq!(s, 422, "{b}");
    app.page_login("leader").await;
    let (s, html) = app.page("/care/figures").await;
    assert_eq!(s, 200);
    assert!(html.contains("关爱情况") && html.contains("500.00") && html.contains("<svg"));
}

#[tokio::test]
async fn standing_visits_come_each_quarter_and_before_spring_festival_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    // A county-level model worker in A-001.
    let body = json!({"union": "A-001", "name": "周劳模", "id_card_no": crate::helpers::id_no("320925", "19700101", 71),
        "model_worker": "county"});
    let (s, m) = app.post(&admin, "/api/v1/members", body).await;
    assert_eq!(s, 201, "{m}");
    let cal = store::calendar::load(&app.db).await.unwrap();
    // 2026-02-09, a Monday: Spring Festival's days off begin 2026-02-15.
    let day = time::macros::date!(2026 - 02 - 09);
    let rounds: Vec<String> = store::care::open_rounds(&cal, day).into_iter().map(|r| r.0).collect();
    assert_eq!(rounds, ["2026-Q1", "2026-春节"]);
    let r = store::care::standing_visits(&app.db, &cal, day, &|| false).await.unwrap();
    assert_eq!(r.created, 2, "one visit a round for the model worker");
    let again = store::care::standing_visits(&app.db, &cal, day, &|| false).await.unwrap();
    assert_eq!(again.created, 0, "a round is opened once");
    // The festival visit is due by the last working day before the holiday (Saturday the
    // 14th is a makeup workday in 2026).
    let cadre = app.token("cadre_a1").await;
    let (_, items) = app.get(&cadre, "/api/v1/work/items?kind=care").await;
    let festival =
        items["items"].as_array().unwrap().iter().find(|i| i["title"].as_str().unwrap().starts_with("春节前")).unwrap();
    assert_eq!(festival["due"], "2026-02-14", "{festival}");
    assert_eq!(festival["owner_union_name"], "阳光机械公司工会");
    // In mid-March only the quarter's round is open, and it was done.
    let march = time::macros::date!(2026 - 03 - 16);
    let r = store::care::standing_visits(&app.db, &cal, march, &|| false).await.unwrap();
    assert_eq!((r.rounds.len(), r.created), (1, 0));
}

/// A loader writes many events in one transaction (the demo): a step the rules refuse, or that
/// fails after writing, leaves nothing behind — neither its rows nor its figures — and the
/// transaction goes on; what the other steps wrote is counted once, as through the API.
#[tokio::test]
async fn a_failed_step_in_a_loaders_transaction_leaves_no_rows_and_no_figures() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cal = store::calendar::load(&app.db).await.unwrap();
    let root = store::unions::root(&app.db).await.unwrap().unwrap();
    let sys = store::Actor::system(root.org_path());
    let today = web::today();
    let event = |kind: &str| store::care::NewEvent {
        member_id: Some(app.member_a),
        kind: kind.into(),
        date: domain::fmt_date(today),
        note: None,
    };
    let mut tx = app.db.write_tx().await.unwrap();
    let kept = store::care::record_event_within(&mut tx, &cal, &sys, &event("hospitalisation"), today).await.unwrap();
    // Written, then failed: undone with its facts.
    let failed = tx
        .step(async |tx| {
            store::care::record_event_within(tx, &cal, &sys, &event("marriage"), today).await?;
            Err::<(), _>(store::StoreError::conflict("演示失败", "made to fail"))
        })
        .await;
    assert!(failed.is_err());
    // Refused by the rules before writing.
    let refused =
        tx.step(async |tx| store::care::record_event_within(tx, &cal, &sys, &event("no-such-kind"), today).await).await;
    assert!(refused.unwrap_err().is_bad_input());
    // A step that succeeds is kept, and its payment closes its obligation.
    let paid = store::care::NewPayment { event_id: Some(kept.event_id), amount: "500".into(), ..Default::default() };
    let (_, status) = tx.step(async |tx| store::care::pay_within(tx, &cal, &sys, &paid, today).await).await.unwrap();
    assert_eq!(status, "paid");
    tx.commit().await.unwrap();

    let (s, list) = app.get(&admin, "/api/v1/care/events").await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 1, "the failed step's event is gone: {list}");
    assert_eq!(list["items"][0]["kind"], "hospitalisation");
    let (_, f) = app.get(&admin, "/api/v1/care/figures").await;
    assert_eq!(f["total"]["events"], 1, "{f}");
    assert_eq!(f["total"]["obligations"], 2, "{f}");
    assert_eq!(f["total"]["done"], 1, "the payment closed its obligation: {f}");
    assert_eq!(f["total"]["paid_fen"], 50_000);
    // The figures are what a recount of the records gives.
    store::indicators::recount(&app.db).await.unwrap();
    let (_, again) = app.get(&admin, "/api/v1/care/figures").await;
    assert_eq!(again["total"], f["total"]);
    // The log has what stood, written at the commit: one event and its payment, not the
    // failed step's event.
    let (_, log) = app.get(&admin, "/api/v1/audit?action=care.event").await;
    assert_eq!(log["total"], 1, "{log}");
    let (_, log) = app.get(&admin, "/api/v1/audit?action=care.payment").await;
    assert_eq!(log["total"], 1, "{log}");
}
