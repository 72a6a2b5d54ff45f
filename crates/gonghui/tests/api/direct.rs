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
    let report = store::work::scan(&app.db, &cal, late, &|| false).await.unwrap();
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

    // Attachments: the issuer attaches the document; members shown the bulletin download it; a
    // recipient may not attach; a page that claims to be an image is only a download.
    let b2 = b2["id"].as_i64().unwrap();
    let (s, f) = upload(
        &app,
        &admin,
        &format!("/api/v1/bulletins/{b2}/files"),
        "互助医疗保障办法.pdf",
        "application/pdf",
        b"%PDF-1.4 x",
    )
    .await;
    assert_eq!((s, f["photo"].as_bool()), (201, Some(false)), "{f}");
    assert_eq!(
        upload(&app, &cadre_a1, &format!("/api/v1/bulletins/{b2}/files"), "x.pdf", "application/pdf", b"%PDF").await.0,
        403
    );
    let (s, html_file) =
        upload(&app, &admin, &format!("/api/v1/bulletins/{b2}/files"), "x.png", "image/png", b"<html><script>").await;
    assert_eq!((s, html_file["content_type"].as_str()), (201, Some("application/octet-stream")), "{html_file}");
    let r = app
        .client
        .get(app.url(&format!("/api/v1/bulletins/{b2}/files/{}", f["id"])))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 x");
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/bulletins/{b2}/files/{}", f["id"])).await.0, 404);
    let (_, d) = app.get(&cadre_a1, &format!("/api/v1/bulletins/{b2}")).await;
    assert_eq!((d["files"].as_array().map(Vec::len), d["may_attach"].as_bool()), (Some(2), Some(false)), "{d}");
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

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}

#[tokio::test]
async fn the_network_is_kept_in_scope_and_a_consultation_is_answered_on_the_phone_and_adopted() {
    let app = spawn_app().await;
    let (admin, dept, member) = (app.token("admin").await, app.token("dept").await, app.token("member_a").await);
    let (cadre_a, cadre_b, cadre_a1) =
        (app.token("cadre_a").await, app.token("cadre_b").await, app.token("cadre_a1").await);
    let today = web::today();
    let day = |n: i64| domain::fmt_date(today + time::Duration::days(n));

    // Bad input is refused field by field; a cadre does not keep the county's network.
    let bad =
        json!({"kind": "contact_point", "name": " ", "union": "无此工会", "topics": "", "phone": "12a", "quota": 400});
    let (s, b) = app.post(&admin, "/api/v1/network", bad).await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["name", "phone", "quota", "topics", "union"]), "{b}");
    let (s, b) = app
        .post(&admin, "/api/v1/network", json!({"kind": "club", "name": "x", "union": "A-001", "topics": "x"}))
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["kind"]), "{b}");
    let point = json!({"kind": "contact_point", "name": "建湖县阳光机械有限公司", "union": "阳光机械公司工会",
        "contact": "县总工会副主席 王明", "topics": "一线职工技能提升<b>", "quota": 4, "term_from": day(-30), "term_to": day(700)});
    assert_eq!(app.post(&cadre_a, "/api/v1/network", point.clone()).await.0, 403);
    let (s, point) = app.post(&admin, "/api/v1/network", point).await;
    assert_eq!(s, 201, "{point}");
    let point_id = point["id"].as_i64().unwrap();
    // An observer who is a member: their name and union come from the registry.
    let (s, observer) = app
        .post(&dept, "/api/v1/network", json!({"kind": "observer", "member_id": app.member_a, "topics": "反映一线职工对改革的意见", "detail": "县级劳动模范"}))
        .await;
    assert_eq!(
        (s.as_u16(), observer["name"].as_str(), observer["union_name"].as_str()),
        (201, Some("张阳光"), Some("阳光机械公司工会")),
        "{observer}"
    );
    let observer_id = observer["id"].as_i64().unwrap();
    let (s, expert) = app
        .post(&admin, "/api/v1/network", json!({"kind": "expert", "name": "周律师", "union": "320925", "account": "dept", "topics": "劳动争议、工伤认定", "detail": "律师执业证"}))
        .await;
    assert_eq!((s.as_u16(), expert["account"].as_str()), (201, Some("dept")), "{expert}");
    let (s, station) = app
        .post(&admin, "/api/v1/network", json!({"kind": "station", "name": "九龙口镇快递员之家联络站", "union": "湖光纺织公司工会", "contact": "陈站长", "phone": "0515-8612345", "topics": "快递员、外卖送餐员", "detail": "九龙口镇人民路8号"}))
        .await;
    assert_eq!(s, 201, "{station}");

    // Lists and coverage in scope; out of scope is not found.
    assert_eq!(app.get(&admin, "/api/v1/network").await.1["total"], 4);
    assert_eq!(app.get(&cadre_a, "/api/v1/network").await.1["total"], 2);
    assert_eq!(app.get(&cadre_b, "/api/v1/network").await.1["total"], 1);
    assert_eq!(app.get(&admin, "/api/v1/network?kind=observer").await.1["total"], 1);
    assert_eq!(app.get(&admin, "/api/v1/network?q=%E5%BF%AB%E9%80%92").await.1["total"], 1, "快递");
    assert_eq!(app.get(&admin, "/api/v1/network?kind=club").await.0, 422);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/network/{point_id}")).await.0, 404);
    assert_eq!(app.get(&member, "/api/v1/network").await.0, 403);
    let (_, cov) = app.get(&admin, "/api/v1/network/coverage").await;
    let towns = cov["rows"].as_array().unwrap();
    assert_eq!(towns.len(), 2, "{cov}");
    assert_eq!(towns[0]["counts"], json!([1, 1, 0, 0, 0]), "建阳镇: a contact point and an observer: {cov}");
    assert_eq!(towns[1]["counts"], json!([0, 0, 0, 0, 1]), "九龙口镇: a station: {cov}");
    assert_eq!(cov["total"]["counts"], json!([1, 1, 0, 1, 1]), "the county's own expert counts in the total: {cov}");

    // A contact point's visits, an observer's evaluation; each only where it fits.
    let (s, d) = app
        .post(
            &admin,
            &format!("/api/v1/network/{point_id}/log"),
            json!({"kind": "visit", "text": "走访车间，座谈 12 人"}),
        )
        .await;
    assert_eq!((s.as_u16(), d["visits"].as_i64()), (200, Some(1)), "{d}");
    let (s, b) = app
        .post(
            &admin,
            &format!("/api/v1/network/{point_id}/log"),
            json!({"kind": "evaluation", "grade": "excellent", "text": "x"}),
        )
        .await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["kind"]), "{b}");
    let (s, b) = app
        .post(
            &admin,
            &format!("/api/v1/network/{observer_id}/log"),
            json!({"kind": "evaluation", "grade": "best", "text": "", "on_date": day(3)}),
        )
        .await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["grade", "on_date", "text"]), "{b}");
    let (s, d) = app
        .post(
            &admin,
            &format!("/api/v1/network/{observer_id}/log"),
            json!({"kind": "evaluation", "grade": "excellent", "text": "全年提出建议 6 条"}),
        )
        .await;
    assert_eq!((s.as_u16(), d["grade"].as_str()), (200, Some("excellent")), "{d}");

    // A consultation: bad input, then put to every observer, the contact point and town B's unions.
    let (s, b) = app
        .post(
            &admin,
            "/api/v1/consultations",
            json!({"topic": "", "background": "x", "due": day(0), "kinds": ["observer"]}),
        )
        .await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["due", "topic"]), "{b}");
    let (s, b) =
        app.post(&admin, "/api/v1/consultations", json!({"topic": "t", "background": "x", "due": day(5)})).await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["entries"]), "whom to ask: {b}");
    let consult = json!({"topic": "如何让一线职工技能提升补贴更快到手", "background": "今年补贴申领周期长，请结合本单位谈谈。",
        "due": day(10), "kinds": ["observer"], "entries": [point_id], "unions": ["320925102"]});
    assert_eq!(app.post(&cadre_a, "/api/v1/consultations", consult.clone()).await.0, 403);
    let (s, c) = app.post(&admin, "/api/v1/consultations", consult).await;
    assert_eq!((s.as_u16(), c["asked"].as_i64()), (201, Some(3)), "{c}");
    let cid = c["id"].as_i64().unwrap();

    // The observer answers on the phone: what they are asked, once.
    let (_, asked) = app.get(&member, "/api/v1/consultations/asked").await;
    assert_eq!(asked.as_array().unwrap().len(), 1, "{asked}");
    assert_eq!(asked[0]["answer"]["may_answer"], true, "{asked}");
    let mine = asked[0]["answer"]["id"].as_i64().unwrap();
    let (s, b) =
        app.post(&member, &format!("/api/v1/consultation-answers/{mine}/answer"), json!({"answer": " "})).await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["answer"]), "{b}");
    let text = "建议把申领材料从 5 份减到 2 份，由企业工会统一代办。";
    let (s, d) =
        app.post(&member, &format!("/api/v1/consultation-answers/{mine}/answer"), json!({"answer": text})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["answers"].as_array().unwrap().len(), 1, "a member sees only their own answer: {d}");
    assert_eq!(
        app.post(&member, &format!("/api/v1/consultation-answers/{mine}/answer"), json!({"answer": text})).await.0,
        409
    );

    // The contact point's answer is its union's; another town finds nothing.
    let (_, d) = app.get(&admin, &format!("/api/v1/consultations/{cid}")).await;
    let point_answer =
        d["answers"].as_array().unwrap().iter().find(|a| a["entry_id"] == point_id).unwrap()["id"].as_i64().unwrap();
    let say = json!({"answer": "车间班组长可以先做初审。"});
    assert_eq!(
        app.post(&cadre_b, &format!("/api/v1/consultation-answers/{point_answer}/answer"), say.clone()).await.0,
        404
    );
    let (s, d) = app.post(&cadre_a1, &format!("/api/v1/consultation-answers/{point_answer}/answer"), say).await;
    assert_eq!(s, 200, "{d}");

    // Adoption: only the county's network keepers, only an answer given.
    let (_, d) = app.get(&admin, &format!("/api/v1/consultations/{cid}")).await;
    let unanswered =
        d["answers"].as_array().unwrap().iter().find(|a| a["answered_on"].is_null()).unwrap()["id"].as_i64().unwrap();
    let adopt = json!({"outcome": "写入县总工会 2027 年技能提升补贴申领办法"});
    assert_eq!(app.post(&cadre_a, &format!("/api/v1/consultation-answers/{mine}/adopt"), adopt.clone()).await.0, 403);
    assert_eq!(
        app.post(&admin, &format!("/api/v1/consultation-answers/{unanswered}/adopt"), adopt.clone()).await.0,
        409
    );
    assert_eq!(
        app.post(&admin, &format!("/api/v1/consultation-answers/{mine}/adopt"), json!({"outcome": ""})).await.0,
        422
    );
    let (s, d) = app.post(&admin, &format!("/api/v1/consultation-answers/{mine}/adopt"), adopt.clone()).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        app.post(&admin, &format!("/api/v1/consultation-answers/{mine}/adopt"), adopt).await.0,
        200,
        "written again, counted once"
    );
    let (_, d) = app.get(&admin, &format!("/api/v1/consultations/{cid}")).await;
    assert_eq!(
        (d["asked"].as_i64(), d["answered"].as_i64(), d["adopted"].as_i64()),
        (Some(3), Some(2), Some(1)),
        "{d}"
    );
    let (_, d) = app.get(&cadre_b, &format!("/api/v1/consultations/{cid}")).await;
    assert_eq!(
        (d["asked"].as_i64(), d["answers"].as_array().unwrap().len()),
        (Some(1), 1),
        "town B sees its own union's: {d}"
    );

    // The observer's entry lists what it was asked; the member sees that it was adopted.
    let (_, e) = app.get(&admin, &format!("/api/v1/network/{observer_id}")).await;
    assert_eq!((e["asked"].as_i64(), e["answered"].as_i64()), (Some(1), Some(1)), "{e}");
    assert!(e["assignments"][0]["adopted_on"].is_string(), "{e}");
    let (_, asked) = app.get(&member, "/api/v1/consultations/asked").await;
    assert!(asked[0]["answer"]["outcome"].as_str().unwrap().contains("2027"), "{asked}");

    // A consultation not put to the member is not found for them; the pages escape what was typed.
    let (_, c2) = app
        .post(
            &admin,
            "/api/v1/consultations",
            json!({"topic": "只问基层", "background": "x", "due": day(3), "unions": ["B-001"]}),
        )
        .await;
    assert_eq!(app.get(&member, &format!("/api/v1/consultations/{}", c2["id"])).await.0, 404);
    app.page_login("admin").await;
    let (s, html) = app.page(&format!("/direct/network/{point_id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("一线职工技能提升&#60;b&#62;") && !html.contains("技能提升<b>"), "escaped");

    // The channel's figures: the county's, each town's, and a town's own view.
    let (s, fg) = app.get(&admin, "/api/v1/direct/figures").await;
    assert_eq!(s, 200, "{fg}");
    let c = &fg["channels"][0];
    assert_eq!(
        (c["channel"].as_str(), c["volume"].as_i64(), c["done"].as_i64(), c["adoption_rate"].as_f64()),
        (Some("consultations"), Some(4), Some(2), Some(0.5)),
        "{fg}"
    );
    let town_a = &fg["children"][0]["channels"][0];
    assert_eq!(
        (town_a["volume"].as_i64(), town_a["done"].as_i64(), town_a["on_time_rate"].as_f64()),
        (Some(2), Some(2), Some(1.0)),
        "{fg}"
    );
    let (_, fg) = app.get(&cadre_b, "/api/v1/direct/figures").await;
    assert_eq!((fg["channels"][0]["volume"].as_i64(), fg["channels"][0]["done"].as_i64()), (Some(2), Some(0)), "{fg}");
    assert_eq!(app.get(&cadre_b, "/api/v1/direct/figures?union=320925101").await.0, 404);
    assert_eq!(app.get(&admin, "/api/v1/direct/figures?from=2026-13").await.0, 422);
    let (s, html) = app.page("/direct/figures").await;
    assert!(s == 200 && html.contains("寻策问计直到一线") && html.contains("50.0%"), "{html}");
    let (s, html) = app.page("/direct/network/coverage").await;
    assert!(s == 200 && html.contains("九龙口镇总工会"), "{html}");
}

#[tokio::test]
async fn a_problem_goes_straight_to_its_department_and_closes_only_after_call_back_and_check() {
    let app = spawn_app().await;
    let (admin, dept, member) = (app.token("admin").await, app.token("dept").await, app.token("member_a").await);
    let (cadre_a, cadre_b) = (app.token("cadre_a").await, app.token("cadre_b").await);

    let (s, b) = app.post(&member, "/api/v1/problems", json!({"type": "tax", "title": "", "body": "x"})).await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["type", "title"]), "{b}");
    assert_eq!(app.get(&member, "/api/v1/problems").await.1["total"], 0, "nothing written");

    // A member files; a member's complexity is the department's to set.
    let file = json!({"type": "consult", "title": "公司三个月没发工资<script>", "body": "我们车间 20 多人，从 8 月起没发工资。", "complexity": "complex"});
    let (s, p) = app.post(&member, "/api/v1/problems", file).await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(
        (p["department"].as_str(), p["complexity"].as_str(), p["status"].as_str()),
        (Some("权益保障部"), Some("general"), Some("open")),
        "{p}"
    );
    assert!(p["ticket"].as_str().unwrap().starts_with("ZD"), "{p}");
    let item = p["item_id"].as_i64().unwrap();
    let (_, inbox) = app.get(&dept, "/api/v1/work/inbox").await;
    assert!(inbox["items"]["items"].as_array().unwrap().iter().any(|i| i["id"] == item), "{inbox}");
    assert_eq!(app.get(&cadre_a, &format!("/api/v1/problems/{id}")).await.0, 200);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/problems/{id}")).await.0, 404);

    // The department reclassifies and answers; the answer waits for the call-back and the check.
    let (s, c) = app.post(&dept, &format!("/api/v1/problems/{id}/classify"), json!({"complexity": "hard"})).await;
    assert_eq!(s, 200, "{c}");
    assert!(c["due"].as_str().unwrap() > p["due"].as_str().unwrap(), "ten working days instead of five: {c}");
    assert_eq!(app.post(&cadre_a, &format!("/api/v1/problems/{id}/answer"), json!({"answer": "x"})).await.0, 403);
    let (s, a) = app
        .post(
            &dept,
            &format!("/api/v1/problems/{id}/answer"),
            json!({"answer": "已联系劳动监察大队，企业承诺 12 月 10 日前补发。"}),
        )
        .await;
    assert_eq!((s.as_u16(), a["status"].as_str()), (200, Some("answered")), "{a}");
    let (s, b) = app.post(&admin, &format!("/api/v1/problems/{id}/check"), json!({"pass": true})).await;
    assert_eq!(s, 422, "no check before the call-back: {b}");
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("回访"), "{b}");
    assert_eq!(
        app.post(&cadre_a, &format!("/api/v1/problems/{id}/callback"), json!({"note": "x", "satisfaction": 4})).await.0,
        403
    );
    let (s, b) =
        app.post(&dept, &format!("/api/v1/problems/{id}/callback"), json!({"note": "", "satisfaction": 9})).await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["note", "satisfaction"]), "{b}");
    let (s, cb) = app
        .post(
            &dept,
            &format!("/api/v1/problems/{id}/callback"),
            json!({"note": "本人确认已补发一个月", "satisfaction": 2}),
        )
        .await;
    assert_eq!((s.as_u16(), cb["satisfaction"].as_i64()), (200, Some(2)), "{cb}");

    // The check sends it back with its reason; answered again, called back, it passes and closes.
    assert_eq!(app.post(&admin, &format!("/api/v1/problems/{id}/check"), json!({"pass": false})).await.0, 422);
    assert_eq!(
        app.post(&dept, &format!("/api/v1/problems/{id}/check"), json!({"pass": true})).await.0,
        403,
        "not the department's own check"
    );
    let (s, r) = app
        .post(
            &admin,
            &format!("/api/v1/problems/{id}/check"),
            json!({"pass": false, "note": "只补发了一个月，要跟到全部补发"}),
        )
        .await;
    assert_eq!((s.as_u16(), r["status"].as_str(), r["returns"].as_i64()), (200, Some("open"), Some(1)), "{r}");
    assert!(r["callback_on"].is_null(), "called back again after the new answer: {r}");
    app.post(&dept, &format!("/api/v1/problems/{id}/answer"), json!({"answer": "三个月工资已全部补发。"})).await;
    app.post(&dept, &format!("/api/v1/problems/{id}/callback"), json!({"note": "本人确认全部到账", "satisfaction": 5}))
        .await;
    let (s, done) =
        app.post(&admin, &format!("/api/v1/problems/{id}/check"), json!({"pass": true, "note": "办结规范"})).await;
    assert_eq!((s.as_u16(), done["status"].as_str()), (200, Some("closed")), "{done}");
    assert_eq!(app.post(&admin, &format!("/api/v1/problems/{id}/check"), json!({"pass": true})).await.0, 409);
    // The member sees the answer but not their phone number echoed; they rate it.
    let (_, mine) = app.get(&member, &format!("/api/v1/problems/{id}")).await;
    assert_eq!((mine["status"].as_str(), mine["reporter_phone"].as_str()), (Some("closed"), Some("")), "{mine}");
    let (s, b) =
        app.post(&member, &format!("/api/v1/work/items/{item}/actions"), json!({"action": "rate", "rating": 5})).await;
    assert_eq!(s, 200, "{b}");

    // Staff register a call with its complexity and a call-back number.
    let (s, call) = app
        .post(&admin, "/api/v1/problems", json!({"type": "help", "title": "家中失火需要帮扶", "body": "来电。", "complexity": "complex", "channel": "phone", "name": "刘师傅", "phone": "139-1234-5678"}))
        .await;
    assert_eq!(
        (s.as_u16(), call["department"].as_str(), call["reporter_phone"].as_str()),
        (201, Some("职工服务中心（帮扶中心）"), Some("13912345678")),
        "{call}"
    );
    let (s, b) = app
        .post(
            &admin,
            "/api/v1/problems",
            json!({"type": "help", "title": "x", "body": "x", "channel": "qr", "phone": "123"}),
        )
        .await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["channel", "phone"]), "{b}");

    // A worker without an account, at a liaison station's QR code.
    let (_, station) = app
        .post(
            &admin,
            "/api/v1/network",
            json!({"kind": "station", "name": "九龙口镇快递员之家", "union": "B-001", "topics": "快递员"}),
        )
        .await;
    let sid = station["id"].as_i64().unwrap().to_string();
    let (s, html) = app.page(&format!("/report?station={sid}")).await;
    assert!(s == 200 && html.contains("九龙口镇快递员之家"), "{html}");
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = html[at..].split('"').next().unwrap().to_string();
    let post = |fields: Vec<(&'static str, String)>| {
        let client = &app;
        async move { client.submit("/report", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await }
    };
    let base = |extra: Vec<(&'static str, &str)>| {
        let mut v = vec![
            ("csrf", csrf.clone()),
            ("station", sid.clone()),
            ("type", "complaint".into()),
            ("title", "站点没有饮水机".into()),
            ("body", "夏天很热。".into()),
        ];
        v.extend(extra.into_iter().map(|(k, x)| (k, x.to_string())));
        v
    };
    let r = post(base(vec![])).await;
    assert_eq!(r.status(), 422, "a phone number or anonymity");
    assert!(r.text().await.unwrap().contains("匿名"));
    let r = post(vec![
        ("csrf", "forged".into()),
        ("type", "complaint".into()),
        ("title", "t".into()),
        ("body", "b".into()),
        ("anonymous", "1".into()),
    ])
    .await;
    assert_eq!(r.status(), 403);
    let r = post(base(vec![("phone", "13800001111"), ("name", "小王")])).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("工单号") && html.contains("办公室"), "{html}");
    let r = post(base(vec![("anonymous", "1"), ("phone", "13800001111")])).await;
    assert_eq!(r.status(), 200);
    let (_, list) = app.get(&cadre_b, "/api/v1/problems").await;
    assert_eq!(list["total"], 2, "the station's town sees both: {list}");
    let anon = list["items"].as_array().unwrap().iter().find(|p| p["anonymous"] == true).unwrap().clone();
    assert_eq!(
        (anon["reporter_phone"].as_str(), anon["channel"].as_str(), anon["station"].as_str()),
        (Some(""), Some("qr"), Some("九龙口镇快递员之家")),
        "{anon}"
    );
    // An anonymous report is never called back; it is checked straight after the answer.
    let aid = anon["id"].as_i64().unwrap();
    app.post(&admin, &format!("/api/v1/problems/{aid}/answer"), json!({"answer": "已协调站点加装饮水机。"})).await;
    assert_eq!(
        app.post(&admin, &format!("/api/v1/problems/{aid}/callback"), json!({"note": "x", "satisfaction": 5})).await.0,
        409
    );
    assert_eq!(
        app.post(&admin, &format!("/api/v1/problems/{aid}/check"), json!({"pass": true})).await.1["status"],
        "closed"
    );
    // One address files at most ten an hour without an account.
    let mut last = 200;
    for _ in 0..9 {
        last = post(base(vec![("anonymous", "1")])).await.status().as_u16();
    }
    assert_eq!(last, 429, "the tenth from one address in an hour is refused");

    // The channel's figures: filed, closed, on time, satisfied at the call-back (the call-back
    // on the answer sent back does not count).
    let (_, fg) = app.get(&admin, "/api/v1/direct/figures").await;
    let p = &fg["channels"][4];
    assert_eq!(
        (p["channel"].as_str(), p["volume"].as_i64(), p["done"].as_i64()),
        (Some("problems"), Some(12), Some(2)),
        "{fg}"
    );
    assert_eq!((p["on_time_rate"].as_f64(), p["satisfaction_rate"].as_f64()), (Some(1.0), Some(1.0)), "{fg}");
}

async fn upload(app: &TestApp, token: &str, path: &str, name: &str, mime: &str, bytes: &[u8]) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()).mime_str(mime).unwrap();
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_practice_is_reviewed_published_found_by_any_part_and_adopted() {
    let app = spawn_app().await;
    let (admin, dept, member) = (app.token("admin").await, app.token("dept").await, app.token("member_a").await);
    let (cadre_a, cadre_b, cadre_a1) =
        (app.token("cadre_a").await, app.token("cadre_b").await, app.token("cadre_a1").await);

    let bad = json!({"title": "", "mechanism": "五行", "tags": "一二三四五六七八九十一二三", "body": ""});
    let (s, b) = app.post(&cadre_a1, "/api/v1/practices", bad).await;
    assert_eq!((s.as_u16(), sorted(fields(&b))), (422, vec!["body", "mechanism", "tags", "title"]), "{b}");
    let practice = json!({"title": "车间“微书屋”让一线职工随手能读书", "mechanism": "building", "tags": "职工书屋，学习型 <i>",
        "body": "我们在每个车间休息区设了微书屋，由班组长轮流管理，每月更新图书 30 册，职工借阅率从 12% 提高到 65%。"});
    let (s, b) = app.post(&cadre_a1, "/api/v1/practices", practice.clone()).await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["tags"]), "a tag with markup: {b}");
    assert_eq!(app.post(&member, "/api/v1/practices", practice.clone()).await.0, 403);
    let practice = json!({"title": "车间“微书屋”让一线职工随手能读书", "mechanism": "building", "tags": "职工书屋，学习型",
        "body": "我们在每个车间休息区设了微书屋，由班组长轮流管理，每月更新图书 30 册，职工借阅率从 12% 提高到 65%。"});
    let (s, d) = app.post(&cadre_a1, "/api/v1/practices", practice.clone()).await;
    assert_eq!(
        (s.as_u16(), d["status"].as_str(), d["union_name"].as_str()),
        (201, Some("submitted"), Some("阳光机械公司工会")),
        "{d}"
    );
    let id = d["id"].as_i64().unwrap();

    // Before it is published: its town and the county see it; another town, members and the
    // search do not.
    assert_eq!(app.get(&cadre_a, &format!("/api/v1/practices/{id}")).await.0, 200);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/practices/{id}")).await.0, 404);
    assert_eq!(app.get(&member, &format!("/api/v1/practices/{id}")).await.0, 404);
    assert_eq!(app.get(&admin, "/api/v1/practices?q=%E4%B9%A6%E5%B1%8B").await.1["total"], 0, "书屋");
    assert_eq!(app.get(&admin, "/api/v1/practices?status=submitted").await.1["total"], 1);

    // Photos and files while it is being written: a photo is what its bytes say.
    let png = b"\x89PNG\r\n\x1a\nrest";
    let (s, f) = upload(&app, &cadre_a1, &format!("/api/v1/practices/{id}/files"), "书屋.png", "image/png", png).await;
    assert_eq!((s, f["photo"].as_bool()), (201, Some(true)), "{f}");
    let (s, f) = upload(
        &app,
        &cadre_a1,
        &format!("/api/v1/practices/{id}/files"),
        "x.png",
        "image/png",
        b"<svg onload=alert(1)>",
    )
    .await;
    assert_eq!(
        (s, f["photo"].as_bool(), f["content_type"].as_str()),
        (201, Some(false), Some("application/octet-stream")),
        "{f}"
    );
    assert_eq!(
        upload(&app, &cadre_b, &format!("/api/v1/practices/{id}/files"), "a.pdf", "application/pdf", b"%PDF").await.0,
        404
    );

    // The review: returned with a note, changed, published.
    let (s, b) = app.post(&dept, &format!("/api/v1/practices/{id}/review"), json!({"publish": false})).await;
    assert_eq!((s.as_u16(), fields(&b)), (422, vec!["note"]), "{b}");
    assert_eq!(app.post(&cadre_a, &format!("/api/v1/practices/{id}/review"), json!({"publish": true})).await.0, 403);
    let (s, d) = app
        .post(
            &dept,
            &format!("/api/v1/practices/{id}/review"),
            json!({"publish": false, "note": "补充借阅率的统计口径"}),
        )
        .await;
    assert_eq!((s.as_u16(), d["status"].as_str()), (200, Some("returned")), "{d}");
    assert_eq!(
        app.post(&dept, &format!("/api/v1/practices/{id}/review"), json!({"publish": true})).await.0,
        409,
        "waits for its unit"
    );
    let mut changed = practice.clone();
    changed["body"] = json!(
        "我们在每个车间休息区设了微书屋，由班组长轮流管理，每月更新图书 30 册，按月统计借阅人次，职工借阅率从 12% 提高到 65%。"
    );
    let (s, d) = app.send(reqwest::Method::PUT, &cadre_a1, &format!("/api/v1/practices/{id}"), changed).await;
    assert_eq!((s.as_u16(), d["status"].as_str()), (200, Some("submitted")), "{d}");
    let (s, d) = app.post(&dept, &format!("/api/v1/practices/{id}/review"), json!({"publish": true})).await;
    assert_eq!((s.as_u16(), d["status"].as_str()), (200, Some("published")), "{d}");
    assert_eq!(app.send(reqwest::Method::PUT, &cadre_a1, &format!("/api/v1/practices/{id}"), practice).await.0, 409);

    // Everyone signed in finds it by inner parts of its title, tags or text.
    for part in ["微书屋", "借阅率", "班组长轮流", "学习型", "65%"] {
        let (_, found) = app.get(&member, &format!("/api/v1/practices?q={}", urlencoding(part))).await;
        let ids: Vec<i64> = found["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![id], "{part}");
    }
    assert_eq!(app.get(&member, &format!("/api/v1/practices?q={}", urlencoding("书屋 食堂"))).await.1["total"], 0);
    let (s, photo) = app.get(&member, &format!("/api/v1/practices/{id}")).await;
    assert_eq!((s.as_u16(), photo["files"].as_array().unwrap().len()), (200, 2), "{photo}");

    // Adoption: another union, once; not the submitting union itself.
    assert_eq!(app.post(&cadre_a1, &format!("/api/v1/practices/{id}/adopt"), json!({"note": "x"})).await.0, 409);
    assert_eq!(app.post(&cadre_b, &format!("/api/v1/practices/{id}/adopt"), json!({"note": ""})).await.0, 422);
    let (s, d) = app
        .post(&cadre_b, &format!("/api/v1/practices/{id}/adopt"), json!({"note": "在镇职工之家设了同样的书屋角"}))
        .await;
    assert_eq!((s.as_u16(), d["adoptions"].as_i64()), (200, Some(1)), "{d}");
    assert_eq!(app.post(&cadre_b, &format!("/api/v1/practices/{id}/adopt"), json!({"note": "again"})).await.0, 409);
    assert_eq!(app.post(&member, &format!("/api/v1/practices/{id}/adopt"), json!({"note": "x"})).await.0, 403);

    // Withdrawn, it leaves the search.
    let (s, _) = app
        .post(&admin, &format!("/api/v1/practices/{id}/review"), json!({"publish": false, "note": "数据待核实"}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(app.get(&member, "/api/v1/practices?q=%E5%BE%AE%E4%B9%A6%E5%B1%8B").await.1["total"], 0);
}
