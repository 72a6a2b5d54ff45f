//! 有需必送 end to end: each campaign's target list follows its rule (new-employment-form and
//! migrant workers in summer, filed hardship households in winter, their children entering
//! university in autumn, plus households added on application), deliveries are recorded once
//! with a photo and money through the ledger, coverage counts within scope, and the sign-for
//! list prints and comes back signed. Other subtrees get nothing.

use crate::helpers::{TestApp, id_no, spawn_app};
use serde_json::{Value, json};

async fn member(app: &TestApp, token: &str, union: &str, name: &str, seq: u32, extra: Value) -> i64 {
    let mut body = json!({"union": union, "name": name, "id_card_no": id_no("320925", "19900305", seq)});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, b) = app.post(token, "/api/v1/members", body).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

async fn campaign(app: &TestApp, admin: &str, kind: &str, amount: &str, other: Option<&str>) -> i64 {
    let year = web::today().year();
    let body = json!({
        "kind": kind, "name": format!("{year} 年{kind}"), "starts_on": format!("{year}-01-01"),
        "ends_on": format!("{year}-12-31"), "budget": "100000", "amount": amount, "other_amount": other
    });
    let (s, c) = app.post(admin, "/api/v1/campaigns", body).await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_i64().unwrap()
}

async fn deliver(app: &TestApp, token: &str, id: i64, tid: i64, photo: bool) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new().text("note", "已送到岗位");
    if photo {
        form = form.part(
            "photo",
            reqwest::multipart::Part::bytes(b"\xff\xd8jpeg".to_vec())
                .file_name("送清凉.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    let r = app
        .client
        .post(app.url(&format!("/api/v1/campaigns/{id}/targets/{tid}/delivery")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn file_hardship(app: &TestApp, admin: &str, member: i64, child_born: i32) {
    let year = web::today().year();
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            admin,
            &format!("/api/v1/hardship/standards/{year}"),
            json!({"minimum_yuan": "860"}),
        )
        .await;
    assert_eq!(s, 200);
    let body = json!({"member_id": member, "household": [{"name": "张小雨", "relation": "子女", "birth_year": child_born}],
        "yearly_income": "12000", "main_cause": "unemployment"});
    let (s, d) = app.post(admin, "/api/v1/hardship/files", body).await;
    assert_eq!(s, 201, "{d}");
    let id = d["file"]["id"].as_i64().unwrap();
    for note in [None, Some("已入户核实"), None, None] {
        let (s, b) = app
            .post(admin, &format!("/api/v1/hardship/files/{id}/decision"), json!({"approve": true, "note": note}))
            .await;
        assert_eq!(s, 200, "{b}");
    }
}

#[tokio::test]
async fn targets_follow_each_rule_deliveries_count_once_and_lists_print() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a1 = app.token("cadre_a1").await;
    let cadre_b = app.token("cadre_b").await;
    let rider = member(&app, &admin, "A-001", "赵骑手", 51, json!({"new_form": "rider"})).await;
    let migrant = member(&app, &admin, "B-001", "钱民工", 52, json!({"migrant": true})).await;

    // Summer: new-employment-form and migrant workers, once each however often it is built.
    let summer = campaign(&app, &admin, "summer_cool", "100", None).await;
    let (s, b) = app.post(&admin, &format!("/api/v1/campaigns/{summer}/build"), json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["added"], 2);
    assert_eq!(app.post(&admin, &format!("/api/v1/campaigns/{summer}/build"), json!({})).await.1["added"], 0);
    assert_eq!(app.post(&cadre_a1, &format!("/api/v1/campaigns/{summer}/build"), json!({})).await.0, 403);
    let (_, t) = app.get(&admin, &format!("/api/v1/campaigns/{summer}/targets")).await;
    let ids: Vec<i64> = t["items"].as_array().unwrap().iter().map(|t| t["member_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [rider, migrant]);
    assert_eq!(t["items"][0]["reason"], "新就业形态劳动者");
    assert_eq!(t["items"][1]["reason"], "农民工");
    let rider_target = t["items"][0]["id"].as_i64().unwrap();
    let migrant_target = t["items"][1]["id"].as_i64().unwrap();

    // Each cadre sees and serves their own subtree only.
    let (_, mine) = app.get(&cadre_a1, &format!("/api/v1/campaigns/{summer}")).await;
    assert_eq!((mine["targeted"].as_i64(), mine["delivered"].as_i64()), (Some(1), Some(0)));
    assert_eq!(deliver(&app, &cadre_b, summer, rider_target, false).await.0, 404);
    let (s, d) = deliver(&app, &cadre_a1, summer, rider_target, true).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["delivered_by"], "cadre_a1");
    assert_eq!(d["has_photo"], 1);
    let (s, b) = deliver(&app, &cadre_a1, summer, rider_target, false).await;
    assert_eq!(s, 409, "{b}");
    let r = app
        .client
        .get(app.url(&format!("/api/v1/campaigns/{summer}/targets/{rider_target}/photo")))
        .bearer_auth(&cadre_a1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\xff\xd8jpeg");
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/campaigns/{summer}/targets/{rider_target}/photo")).await.0, 404);
    let (_, all) = app.get(&admin, &format!("/api/v1/campaigns/{summer}")).await;
    assert_eq!(
        (all["targeted"].as_i64(), all["delivered"].as_i64(), all["coverage"].as_f64()),
        (Some(2), Some(1), Some(0.5))
    );
    assert_eq!(all["paid_fen"], 10_000);
    let (_, not_yet) = app.get(&admin, &format!("/api/v1/campaigns/{summer}/targets?delivered=false")).await;
    assert_eq!(not_yet["items"][0]["member_id"], migrant);
    let (_, care) = app.get(&admin, &format!("/api/v1/members/{rider}/care")).await;
    assert_eq!(care["payments"][0]["amount_fen"], 10_000, "money went through the ledger");
    assert_eq!(deliver(&app, &cadre_b, summer, migrant_target, false).await.0, 200);
    // The care figures carry each campaign's coverage within the caller's subtree.
    let (_, f) = app.get(&cadre_a1, "/api/v1/care/figures").await;
    let c = f["campaigns"].as_array().unwrap().iter().find(|c| c["id"] == summer).unwrap().clone();
    assert_eq!(
        (c["targeted"].as_i64(), c["delivered"].as_i64(), c["coverage"].as_f64()),
        (Some(1), Some(1), Some(1.0))
    );

    // Winter and autumn: filed hardship households; autumn adds other households on application.
    file_hardship(&app, &admin, app.member_a, web::today().year() - 18).await;
    let winter = campaign(&app, &admin, "winter_warmth", "500", None).await;
    let (_, b) = app.post(&admin, &format!("/api/v1/campaigns/{winter}/build"), json!({})).await;
    assert_eq!(b["added"], 1);
    let (_, t) = app.get(&admin, &format!("/api/v1/campaigns/{winter}/targets")).await;
    assert_eq!(t["items"][0]["member_id"], app.member_a);
    assert_eq!(t["items"][0]["reason"], "困难职工档案：深度困难");
    // Spring: households in hardship through unemployment (this one's main cause).
    let spring = campaign(&app, &admin, "spring_jobs", "200", None).await;
    assert_eq!(app.post(&admin, &format!("/api/v1/campaigns/{spring}/build"), json!({})).await.1["added"], 1);
    // …and its job fairs, with the positions offered.
    let y = web::today().year();
    let fair = json!({"name": "春风行动专场招聘会", "held_on": format!("{y}-03-02"), "place": "县人力资源市场",
        "employers": 46, "positions": 1280, "attendees": 2100, "hired": 312});
    assert_eq!(app.post(&cadre_a1, &format!("/api/v1/campaigns/{spring}/fairs"), fair.clone()).await.0, 403);
    let (s, f) = app.post(&admin, &format!("/api/v1/campaigns/{spring}/fairs"), fair).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(f[0]["positions"], 1280);
    let bad = json!({"name": "", "held_on": format!("{}-03-02", y + 1), "employers": -1, "attendees": 5, "hired": 9});
    let (s, b) = app.post(&admin, &format!("/api/v1/campaigns/{spring}/fairs"), bad).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "held_on", "employers", "hired"], "{b}");
    let fair = json!({"name": "x", "held_on": format!("{y}-03-02"), "employers": 1, "positions": 1, "attendees": 1});
    assert_eq!(
        app.post(&admin, &format!("/api/v1/campaigns/{summer}/fairs"), fair).await.0,
        409,
        "only 春送岗位 has fairs"
    );
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/campaigns/{spring}/fairs")).await.1.as_array().unwrap().len(), 1);
    let autumn = campaign(&app, &admin, "autumn_study", "3000", Some("1000")).await;
    let (_, b) = app.post(&admin, &format!("/api/v1/campaigns/{autumn}/build"), json!({})).await;
    assert_eq!(b["added"], 1);
    let (_, t) = app.get(&admin, &format!("/api/v1/campaigns/{autumn}/targets")).await;
    assert_eq!(t["items"][0]["reason"], "困难职工档案，子女升学：张小雨");
    assert_eq!(t["items"][0]["amount_fen"], 300_000);
    let (s, added) = app
        .post(
            &cadre_b,
            &format!("/api/v1/campaigns/{autumn}/targets"),
            json!({"member_id": app.member_b, "reason": "女儿考入南京大学"}),
        )
        .await;
    assert_eq!(s, 201, "{added}");
    assert_eq!(added["amount_fen"], 100_000, "other households at the other amount");
    assert_eq!(
        app.post(
            &cadre_b,
            &format!("/api/v1/campaigns/{autumn}/targets"),
            json!({"member_id": app.member_b, "reason": "再报"})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        app.post(
            &cadre_b,
            &format!("/api/v1/campaigns/{autumn}/targets"),
            json!({"member_id": app.member_a, "reason": "x"})
        )
        .await
        .0,
        404
    );

    // The member's record shows the file and the campaigns they are on.
    let (_, care) = app.get(&admin, &format!("/api/v1/members/{}/care", app.member_a)).await;
    assert_eq!(care["hardship"][0][2], "已建档", "{care}");
    assert_eq!(care["campaigns"].as_array().unwrap().len(), 3, "winter, spring and autumn: {care}");
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/members/{}/care", app.member_a)).await.0, 404);

    // The sign-for list of town A: printable, as .xlsx (audited), and back signed.
    app.page_login("cadre_a1").await;
    let (s, html) = app.page(&format!("/care/campaigns/{summer}/sign?union=A-001")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("发放签收表")
            && html.contains("赵骑手")
            && html.contains("320925********")
            && !html.contains("钱民工"),
        "{html}"
    );
    let r = app
        .client
        .get(app.url(&format!("/api/v1/campaigns/{summer}/sign-list?union=A-001")))
        .bearer_auth(&cadre_a1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/campaigns/{summer}/sign-list?union=A-001")).await.0, 404);
    let (_, audit) = app.get(&admin, "/api/v1/audit?action=campaign.sign_list").await;
    assert_eq!(audit["total"], 2);
    let form = reqwest::multipart::Form::new()
        .text("union", "A-001")
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 signed".to_vec()).file_name("签收表.pdf"));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/campaigns/{summer}/signed")))
        .bearer_auth(&cadre_a1)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/campaigns/{summer}/signed/{sid}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/campaigns/{summer}/signed")).await.1, json!([]));
    let r = app
        .client
        .get(app.url(&format!("/api/v1/campaigns/{summer}/signed/{sid}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 signed");
    // The campaign page.
    let (s, html) = app.page(&format!("/care/campaigns/{summer}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("覆盖率") && html.contains("签收表.pdf"));
}

#[tokio::test]
async fn campaigns_refuse_bad_input_and_the_wrong_roles() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre = app.token("cadre_a1").await;
    let body = json!({"kind": "autumn", "name": "", "starts_on": "2026-12-31", "ends_on": "2026-01-01", "budget": "x"});
    let (s, b) = app.post(&admin, "/api/v1/campaigns", body).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "name", "ends_on", "budget", "amount"], "{b}");
    let ok = json!({"kind": "summer_cool", "name": "夏送清凉", "starts_on": "2026-06-01", "ends_on": "2026-08-31", "budget": "1000", "goods": "绿豆、藿香正气水"});
    assert_eq!(app.post(&cadre, "/api/v1/campaigns", ok.clone()).await.0, 403);
    let (s, c) = app.post(&admin, "/api/v1/campaigns", ok).await;
    assert_eq!(s, 201, "{c}");
    // Goods only: a cadre records a signed list's people as delivered in one go.
    let id = c["id"].as_i64().unwrap();
    member(&app, &admin, "A-001", "赵骑手", 51, json!({"new_form": "courier"})).await;
    member(&app, &admin, "B-001", "钱民工", 52, json!({"migrant": true})).await;
    assert_eq!(app.post(&admin, &format!("/api/v1/campaigns/{id}/build"), json!({})).await.1["added"], 2);
    let all = |u: &str, d: &str| json!({"union": u, "delivered_on": d});
    let (s, b) = app.post(&cadre, &format!("/api/v1/campaigns/{id}/deliveries"), all("A-001", "2026-09-15")).await;
    assert_eq!(s, 422, "outside the campaign: {b}");
    assert_eq!(
        app.post(&cadre, &format!("/api/v1/campaigns/{id}/deliveries"), all("B-001", "2026-08-01")).await.0,
        422,
        "a union out of scope is refused like one that does not exist"
    );
    let (s, b) = app.post(&cadre, &format!("/api/v1/campaigns/{id}/deliveries"), all("A-001", "2026-08-01")).await;
    assert_eq!((s.as_u16(), b["delivered"].as_i64()), (200, Some(1)), "{b}");
    let (_, b) = app.post(&admin, &format!("/api/v1/campaigns/{id}/deliveries"), all("320925", "2026-08-02")).await;
    assert_eq!(b["delivered"], 1, "only the one not reached yet");
    let (_, c) = app.get(&admin, &format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(c["coverage"], 1.0);
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/campaigns").await.0, 403);
    assert_eq!(app.get(&member, &format!("/api/v1/campaigns/{id}")).await.0, 404);
    let (s, list) = app.get(&cadre, "/api/v1/campaigns").await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["kind_label"], "夏送清凉");
}
