//! 五直: a member's policy question straight to the county department that answers it, within
//! its service level, rated, and published to an FAQ found by any inner part of its text;
//! categories routed to a department or an expert; bulletins pushed to every grassroots union
//! under the unions chosen, each confirming receipt (and escalating when it does not).

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

fn fields(b: &Value) -> Vec<&str> {
    b["error"]["fields"].as_array().map(|f| f.iter().filter_map(|f| f["field"].as_str()).collect()).unwrap_or_default()
}

async fn faq_ids(app: &TestApp, token: &str, q: &str) -> Vec<i64> {
    let (s, b) = app.get(token, &format!("/api/v1/faq?q={}", urlencoding(q))).await;
    assert_eq!(s, 200, "{b}");
    b["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn a_members_question_is_answered_by_its_department_and_found_in_the_faq_by_any_part() {
    let app = spawn_app().await;
    let (admin, dept, member) = (app.token("admin").await, app.token("dept").await, app.token("member_a").await);
    let (cadre_a, cadre_b) = (app.token("cadre_a").await, app.token("cadre_b").await);

    // Bad input is refused field by field, and nothing is written.
    let (s, b) = app
        .post(&member, "/api/v1/questions", json!({"category": "tax", "title": " ", "body": "字".repeat(5001)}))
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["category", "title", "body"]), "{b}");
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("工资报酬"), "the choices are named: {b}");
    assert_eq!(app.get(&member, "/api/v1/questions").await.1["total"], 0);

    // A member asks; the question goes straight to the county's 权益保障部, due in 3 working days.
    let ask = json!({"category": "wages", "title": "周末加班单位只给调休<b>，没有加班费合法吗",
        "body": "我在阳光机械做钳工，最近连续四个周六加班，单位说只能调休，不发加班费。"});
    let (s, q) = app.post(&member, "/api/v1/questions", ask).await;
    assert_eq!(s, 201, "{q}");
    let id = q["id"].as_i64().unwrap();
    assert_eq!((q["status"].as_str(), q["answerer"].as_str()), (Some("open"), Some("权益保障部")), "{q}");
    assert!(q["due"].as_str().unwrap() > q["asked_on"].as_str().unwrap(), "{q}");
    let item = q["item_id"].as_i64().unwrap();
    let (_, inbox) = app.get(&dept, "/api/v1/work/inbox").await;
    assert!(
        inbox["items"]["items"].as_array().unwrap().iter().any(|i| i["id"] == item),
        "in the department's 待办: {inbox}"
    );

    // Scope: the member's town sees it, another town does not; only its owner (or the county
    // administrator above) answers.
    assert_eq!(app.get(&cadre_a, &format!("/api/v1/questions/{id}")).await.0, 200);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/questions/{id}")).await.0, 404);
    assert_eq!(app.get(&cadre_b, "/api/v1/questions").await.1["total"], 0);
    let answer = json!({"answer": "休息日安排加班又不能安排补休的，应支付不低于工资200%的加班费；单位已安排同等时间补休的，可以不支付。协商不成可向劳动保障监察机构投诉。",
        "publish": true, "faq_question": "周末加班只给调休、不发加班费，合法吗？"});
    assert_eq!(app.post(&cadre_a, &format!("/api/v1/questions/{id}/answer"), answer.clone()).await.0, 403);
    assert_eq!(app.post(&cadre_b, &format!("/api/v1/questions/{id}/answer"), answer.clone()).await.0, 404);
    let (s, b) = app
        .post(
            &dept,
            &format!("/api/v1/questions/{id}/answer"),
            json!({"answer": "", "publish": true, "faq_question": "两行\n问题"}),
        )
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["answer", "faq_question"]), "{b}");
    let (s, a) = app.post(&dept, &format!("/api/v1/questions/{id}/answer"), answer.clone()).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["status"], "answered");
    assert!(a["faq_id"].is_i64(), "{a}");
    assert_eq!(app.post(&dept, &format!("/api/v1/questions/{id}/answer"), answer).await.0, 409);
    let (_, it) = app.get(&dept, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!(it["item"]["status"], "closed", "{it}");

    // The asker rates it; the owner may not.
    let rate = json!({"action": "rate", "rating": 5});
    let s = app.post(&dept, &format!("/api/v1/work/items/{item}/actions"), rate.clone()).await.0;
    assert!(s == 403 || s == 422, "{s}");
    assert_eq!(app.post(&member, &format!("/api/v1/work/items/{item}/actions"), rate).await.0, 200);
    assert_eq!(app.get(&member, &format!("/api/v1/questions/{id}")).await.1["rating"], 5);

    // The FAQ finds it by inner parts of the question or the answer, of any length, for everyone
    // signed in; the asker appears nowhere in it.
    let faq = a["faq_id"].as_i64().unwrap();
    for part in ["加班费", "只给调休", "劳动保障监察", "200%的加班", "补", "合法吗 投诉"] {
        assert_eq!(faq_ids(&app, &member, part).await, vec![faq], "{part}");
    }
    for part in ["加班 费用", "钳工", "张阳光", "阳光机械"] {
        assert!(faq_ids(&app, &cadre_b, part).await.is_empty(), "{part}");
    }
    let (_, entry) = app.get(&member, &format!("/api/v1/faq/{faq}")).await;
    assert_eq!(entry["question"], "周末加班只给调休、不发加班费，合法吗？");
    assert!(!entry.to_string().contains("张阳光") && entry.get("asker_name").is_none(), "{entry}");

    // Answered from 待办 (the loop), the result is the answer; unpublished, it stays out of the FAQ.
    let (_, q2) = app
        .post(
            &cadre_a,
            "/api/v1/questions",
            json!({"category": "女职工权益", "title": "哺乳期能不能安排夜班", "body": "单位要求哺乳期女工上夜班。"}),
        )
        .await;
    assert_eq!(q2["answerer"], "女职工部", "{q2}");
    let item2 = q2["item_id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &admin,
            &format!("/api/v1/work/items/{item2}/actions"),
            json!({"action": "resolve", "result": "不得安排哺乳未满一周岁婴儿的女职工夜班劳动。"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, q2) = app.get(&cadre_a, &format!("/api/v1/questions/{}", q2["id"])).await;
    assert_eq!(
        (q2["status"].as_str(), q2["answer"].as_str()),
        (Some("answered"), Some("不得安排哺乳未满一周岁婴儿的女职工夜班劳动。"))
    );
    assert!(faq_ids(&app, &admin, "夜班").await.is_empty());

    // County staff write and withdraw entries; others may not.
    let entry = json!({"category": "insurance", "question": "灵活就业人员怎么参加职工医保", "answer": "可以以个人身份在户籍地或居住地参保。"});
    assert_eq!(app.post(&cadre_a, "/api/v1/faq", entry.clone()).await.0, 403);
    let (s, e) = app.post(&dept, "/api/v1/faq", entry).await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(faq_ids(&app, &member, "医保").await, vec![e["id"].as_i64().unwrap()]);
    assert_eq!(app.send(reqwest::Method::DELETE, &dept, &format!("/api/v1/faq/{}", e["id"]), json!({})).await.0, 204);
    assert!(faq_ids(&app, &member, "医保").await.is_empty());
    let (_, all) = app.get(&member, "/api/v1/faq").await;
    assert_eq!((all["total"].as_i64(), all["more"].as_bool()), (Some(1), Some(false)), "{all}");

    // A county administrator routes a new category to one person (an expert's account).
    let cat = json!({"code": "housing", "label": "住房公积金", "department": "办公室", "answerer": "dept"});
    assert_eq!(app.post(&cadre_a, "/api/v1/questions/categories", cat.clone()).await.0, 403);
    let (s, c) = app.post(&admin, "/api/v1/questions/categories", cat).await;
    assert_eq!((s.as_u16(), c["answerer"].as_str()), (200, Some("dept")), "{c}");
    let (s, b) = app
        .post(
            &admin,
            "/api/v1/questions/categories",
            json!({"code": "Bad Code", "label": "", "department": "办公室", "answerer": "nobody"}),
        )
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["code", "label", "answerer"]), "{b}");
    let (_, q3) = app
        .post(
            &member,
            "/api/v1/questions",
            json!({"category": "housing", "title": "公积金能提取付房租吗", "body": "租房住。"}),
        )
        .await;
    assert_eq!(q3["answerer"], "dept", "{q3}");
    let (_, inbox) = app.get(&dept, "/api/v1/work/inbox").await;
    assert!(inbox["items"]["items"].as_array().unwrap().iter().any(|i| i["id"] == q3["item_id"]), "{inbox}");

    // The member's own list, and their figures in the indicator store.
    let (_, mine) = app.get(&member, "/api/v1/questions").await;
    assert_eq!(mine["total"], 2, "{mine}");
    let (_, mine) = app.get(&member, "/api/v1/questions?status=answered").await;
    assert_eq!(mine["total"], 1, "{mine}");
}

#[tokio::test]
async fn a_bulletin_reaches_every_grassroots_union_and_each_confirms_receipt() {
    let app = spawn_app().await;
    let (admin, member) = (app.token("admin").await, app.token("member_a").await);
    let (cadre_a, cadre_b, cadre_a1) =
        (app.token("cadre_a").await, app.token("cadre_b").await, app.token("cadre_a1").await);
    let today = web::today();
    let day = |n: i64| domain::fmt_date(today + time::Duration::days(n));

    let (s, b) = app
        .post(
            &admin,
            "/api/v1/bulletins",
            json!({"title": "", "body": "x", "unions": ["无此工会"], "confirm_by": day(-1), "kind": "memo"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    let mut f = fields(&b);
    f.sort();
    assert_eq!(f, vec!["confirm_by", "kind", "title", "unions"], "{b}");
    let bulletin = json!({"title": "关于做好岁末年初安全生产工作的通知", "body": "各基层工会：\n请于收到后组织学习。<script>alert(1)</script>",
        "unions": ["320925"], "confirm_by": day(7)});
    assert_eq!(app.post(&member, "/api/v1/bulletins", bulletin.clone()).await.0, 403);
    let (s, b) = app
        .post(
            &cadre_a,
            "/api/v1/bulletins",
            json!({"title": "通知", "body": "x", "unions": ["320925102"], "confirm_by": day(3)}),
        )
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["unions"]), "another town is out of reach: {b}");
    let (s, b) = app.post(&admin, "/api/v1/bulletins", bulletin).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["recipients"], 2, "the county's two grassroots unions: {b}");
    let id = b["id"].as_i64().unwrap();

    // Only a cadre of a recipient union confirms; anyone else is told it is not found.
    for t in [&admin, &member, &cadre_a] {
        assert_eq!(app.post(t, &format!("/api/v1/bulletins/{id}/confirm"), json!({})).await.0, 404);
    }
    let (s, d) = app.post(&cadre_a1, &format!("/api/v1/bulletins/{id}/confirm"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (d["recipients"].as_i64(), d["confirmed"].as_i64(), d["my_confirmed_on"].as_str()),
        (Some(1), Some(1), Some(domain::fmt_date(today).as_str())),
        "{d}"
    );
    assert_eq!(
        app.post(&cadre_a1, &format!("/api/v1/bulletins/{id}/confirm"), json!({})).await.0,
        200,
        "again: nothing changes"
    );
    let (_, d) = app.get(&admin, &format!("/api/v1/bulletins/{id}")).await;
    assert_eq!((d["recipients"].as_i64(), d["confirmed"].as_i64()), (Some(2), Some(1)), "{d}");
    let unconfirmed = d["unconfirmed"].as_array().unwrap();
    assert_eq!(unconfirmed.len(), 1);
    assert_eq!(unconfirmed[0]["union_name"], "湖光纺织公司工会");
    assert_eq!(unconfirmed[0]["parent_name"], "九龙口镇总工会");

    // The other town sees its own share; its grassroots union's receipt item escalates to it
    // when the deadline passes, and closing it there is the receipt.
    let (_, list) = app.get(&cadre_b, "/api/v1/bulletins").await;
    assert_eq!(
        (list["total"].as_i64(), list["items"][0]["recipients"].as_i64(), list["items"][0]["confirmed"].as_i64()),
        (Some(1), Some(1), Some(0)),
        "{list}"
    );
    let receipt = unconfirmed[0]["item_id"].as_i64().unwrap();
    let cal = store::calendar::load(&app.db).await.unwrap();
    let late = today + time::Duration::days(12);
    let report = store::work::scan(&app.db, &cal, late).await.unwrap();
    assert!(report.escalated >= 1, "{report:?}");
    let (_, it) = app.get(&cadre_b, &format!("/api/v1/work/items/{receipt}")).await;
    assert_eq!(it["item"]["owner_union_name"], "九龙口镇总工会", "escalated to the town: {it}");
    let (s, b) = app
        .post(
            &cadre_b,
            &format!("/api/v1/work/items/{receipt}/actions"),
            json!({"action": "resolve", "result": "已督促签收"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, d) = app.get(&admin, &format!("/api/v1/bulletins/{id}")).await;
    assert_eq!((d["confirmed"].as_i64(), d["unconfirmed"].as_array().map(Vec::len)), (Some(2), Some(0)), "{d}");
    let (s, _) = app
        .post(&cadre_b, &format!("/api/v1/work/items/{receipt}/actions"), json!({"action": "reopen", "note": "撤回"}))
        .await;
    assert!(s == 409 || s == 403, "a receipt is not taken back: {s}");

    // Members see only bulletins shown to members, without the receipts.
    assert_eq!(app.get(&member, "/api/v1/bulletins").await.1["total"], 0);
    assert_eq!(app.get(&member, &format!("/api/v1/bulletins/{id}")).await.0, 404);
    let (_, b2) = app
        .post(&admin, "/api/v1/bulletins", json!({"kind": "policy", "title": "职工互助医疗保障办法", "body": "全文……", "unions": ["320925101"], "confirm_by": day(0), "to_members": true}))
        .await;
    assert_eq!(b2["recipients"], 1, "{b2}");
    let (_, mine) = app.get(&member, "/api/v1/bulletins").await;
    assert_eq!(
        (mine["total"].as_i64(), mine["items"][0]["kind_label"].as_str()),
        (Some(1), Some("政策文件")),
        "{mine}"
    );
    let (s, d) = app.get(&member, &format!("/api/v1/bulletins/{}", b2["id"])).await;
    assert_eq!((s.as_u16(), d["unconfirmed"].as_array().map(Vec::len)), (200, Some(0)), "{d}");
    let (_, pending) = app.get(&cadre_a1, "/api/v1/bulletins?status=pending").await;
    assert_eq!(pending["total"], 1, "{pending}");

    // The page escapes what was written and offers 签收 to the recipient's cadre.
    app.page_login("cadre_a1").await;
    let (s, html) = app.page(&format!("/direct/bulletins/{}", b2["id"])).await;
    assert_eq!(s, 200);
    assert!(html.contains("签收</button>"), "{html}");
    let (_, html) = app.page(&format!("/direct/bulletins/{id}")).await;
    assert!(html.contains("&#60;script&#62;") && !html.contains("<script>alert"), "escaped");
}

#[tokio::test]
async fn the_question_pages_work_for_a_member_and_the_answerer() {
    let app = spawn_app().await;
    app.page_login("member_a").await;
    let csrf = app.csrf().await;
    let (s, html) = app.page("/me/questions/new").await;
    assert_eq!(s, 200);
    assert!(html.contains("工资报酬") && html.contains("/static/suggest.js"), "{html}");
    let r = app
        .submit("/me/questions/new", &[("csrf", csrf.as_str()), ("category", "wages"), ("title", ""), ("body", "x")])
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .submit(
            "/me/questions/new",
            &[
                ("csrf", csrf.as_str()),
                ("category", "wages"),
                ("title", "试用期<i>工资</i>能低于最低工资吗"),
                ("body", "试用期三个月。"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&to).await;
    assert!(html.contains("试用期&#60;i&#62;工资") && html.contains("已提交"), "{html}");
    assert!(!html.contains("name=\"answer\""), "a member answers nothing");
    let (_, html) = app.page("/direct/questions").await;
    assert!(!html.contains("<table"), "a member never meets the staff list: {html}");

    // The department answers on the page and publishes; the FAQ page marks what was searched.
    let dept = app.token("dept").await;
    let (_, list) = app.get(&dept, "/api/v1/questions").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    app.page_login("dept").await;
    let csrf = app.csrf().await;
    let (_, html) = app.page(&format!("/direct/questions/{id}")).await;
    assert!(html.contains("name=\"answer\""), "{html}");
    let r = app
        .submit(
            &format!("/direct/questions/{id}/answer"),
            &[
                ("csrf", csrf.as_str()),
                ("answer", "试用期工资不得低于本单位相同岗位最低档工资的80%，并不得低于当地最低工资标准。"),
                ("publish", "1"),
                ("faq_question", "试用期工资能低于最低工资吗"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/faq?q=%E6%9C%80%E4%BD%8E%E5%B7%A5%E8%B5%84").await;
    assert!(html.contains("<mark>最低工资</mark>"), "{html}");
}
