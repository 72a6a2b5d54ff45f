//! 职工法律知晓率: the month's focus unit and topic as an item closed by the first event there;
//! events; the question bank and the pass mark; a member's quiz on the phone, marked; the rate.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn a_months_plan_is_met_by_an_event_and_members_quizzes_make_the_rate() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a = app.token("cadre_a").await;
    let member = app.token("member_a").await;
    let today = web::today();
    let month = domain::fmt_date(today)[..7].to_string();

    // The county sets this month's focus unit (by name) and topic; once a month, not in the past.
    let plan = json!({"month": month, "union": "阳光机械公司工会", "topic": "wages"});
    assert_eq!(app.post(&cadre_a, "/api/v1/legal/publicity/plans", plan.clone()).await.0, 403);
    let (s, p) = app.post(&admin, "/api/v1/legal/publicity/plans", plan.clone()).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!((p["union_name"].as_str(), p["topic_label"].as_str()), (Some("阳光机械公司工会"), Some("工资支付")));
    assert!(p["due"].as_str().unwrap().starts_with(&month), "due in the month: {p}");
    assert_eq!(app.post(&admin, "/api/v1/legal/publicity/plans", plan).await.0, 409);
    let (s, b) = app
        .post(&admin, "/api/v1/legal/publicity/plans", json!({"month": "2020-01", "union": "A-001", "topic": "wages"}))
        .await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("month")), "{b}");
    let (s, b) = app
        .post(&admin, "/api/v1/legal/publicity/plans", json!({"month": "2026-13", "union": "无此工会", "topic": "tax"}))
        .await;
    assert_eq!((s.as_u16(), b["error"]["fields"].as_array().unwrap().len()), (422, 3), "{b}");

    // Its item is the town's and closes only with an event there.
    let item = p["step_item_id"].as_i64().unwrap();
    let (_, it) = app.get(&admin, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!(it["item"]["kind"], "publicity_month", "{it}");
    let (s, _) = app
        .post(&cadre_a, &format!("/api/v1/work/items/{item}/actions"), json!({"action": "resolve", "result": "已办"}))
        .await;
    assert_eq!(s, 422);
    let event = json!({"union": "A-001", "held_on": domain::fmt_date(today), "form": "enterprise", "topic": "wages", "participants": 45});
    let (s, e) = app.post(&cadre_a, "/api/v1/legal/publicity/events", event.clone()).await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["plan_id"], p["id"]);
    let (_, it) = app.get(&admin, &format!("/api/v1/work/items/{item}")).await;
    assert_eq!(it["item"]["status"], "closed", "{it}");
    let (_, plans) = app.get(&admin, "/api/v1/legal/publicity/plans").await;
    assert_eq!((plans[0]["events"].as_i64(), plans[0]["fulfilled_on"].is_string()), (Some(1), true), "{plans}");
    let mut other = event.clone();
    other["union"] = json!("B-001");
    let (s, b) = app.post(&cadre_a, "/api/v1/legal/publicity/events", other).await;
    assert_eq!(
        (s.as_u16(), b["error"]["fields"][0]["field"].as_str()),
        (422, Some("union")),
        "another town's union is not found: {b}"
    );
    let mut bad = event;
    bad["participants"] = json!(0);
    bad["held_on"] = json!("2026-02-30");
    assert_eq!(
        app.post(&cadre_a, "/api/v1/legal/publicity/events", bad).await.1["error"]["fields"].as_array().unwrap().len(),
        2
    );

    // A member's quiz: questions without their answers; staff take none.
    assert_eq!(app.get(&admin, "/api/v1/legal/quiz?topic=wages").await.0, 403);
    let (s, quiz) = app.get(&member, "/api/v1/legal/quiz?topic=wages").await;
    assert_eq!(s, 200, "{quiz}");
    let qs = quiz["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 3, "the wages bank has three questions");
    assert!(qs.iter().all(|q| q.get("answer").is_none()));
    assert_eq!(app.get(&member, "/api/v1/legal/quiz?topic=tax").await.0, 422);
    let (_, bank) = app.get(&admin, "/api/v1/legal/quiz/questions").await;
    let right = |id: i64| bank.as_array().unwrap().iter().find(|q| q["id"] == id).unwrap()["answer"].as_i64().unwrap();
    let ids: Vec<i64> = qs.iter().map(|q| q["id"].as_i64().unwrap()).collect();
    let submit = async |answers: Vec<(i64, i64)>| {
        let answers: Vec<_> = answers.into_iter().map(|(q, c)| json!({"question": q, "choice": c})).collect();
        app.post(&member, "/api/v1/legal/quiz", json!({"topic": "wages", "answers": answers})).await
    };
    assert_eq!(submit(vec![(ids[0], 0)]).await.0, 422, "every question is answered");
    assert_eq!(submit(vec![(ids[0], 0), (ids[0], 1), (ids[1], 0)]).await.0, 422, "each once");
    assert_eq!(submit(vec![(ids[0], 9), (ids[1], 0), (ids[2], 0)]).await.0, 422, "an option that exists");
    // One wrong of three scores 66, a pass at the default 60: the county raises the mark to 80.
    let put = async |token: &str, body: serde_json::Value| {
        app.send(reqwest::Method::PUT, token, "/api/v1/legal/quiz/settings", body).await
    };
    assert_eq!(put(&admin, json!({"pass_mark": 101, "questions": 5})).await.0, 422);
    assert_eq!(put(&cadre_a, json!({"pass_mark": 80, "questions": 5})).await.0, 403);
    assert_eq!(put(&admin, json!({"pass_mark": 80, "questions": 5})).await.0, 200);
    let wrong = (right(ids[0]) + 1) % 3;
    let (s, r) = submit(vec![(ids[0], wrong), (ids[1], right(ids[1])), (ids[2], right(ids[2]))]).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!((r["score"].as_i64(), r["passed"].as_bool()), (Some(66), Some(false)), "{r}");
    assert!(r["marked"][0]["right"].is_string() && r["marked"][0]["correct"] == false);
    let (_, rates) = app.get(&admin, "/api/v1/rates").await;
    let aware = rates["rates"].as_array().unwrap().iter().find(|x| x["code"] == "awareness").cloned().unwrap();
    assert_eq!(aware["numerator"], 0, "{aware}");
    let (s, r) = submit(ids.iter().map(|i| (*i, right(*i))).collect()).await;
    assert_eq!((s.as_u16(), r["score"].as_i64(), r["passed"].as_bool()), (201, Some(100), Some(true)), "{r}");
    let (_, mine) = app.get(&member, "/api/v1/legal/quiz/attempts").await;
    assert_eq!(mine.as_array().unwrap().len(), 2);

    // 职工法律知晓率: the member who passed over the active members; the rows name them.
    let (_, rates) = app.get(&admin, "/api/v1/rates").await;
    let aware = rates["rates"].as_array().unwrap().iter().find(|x| x["code"] == "awareness").cloned().unwrap();
    assert_eq!(aware["numerator"], 1, "{aware}");
    assert!(aware["denominator"].as_i64().unwrap() >= 2);
    let (_, rows) = app.get(&admin, "/api/v1/rates/awareness/rows").await;
    assert_eq!((rows["total"].as_i64(), rows["items"][0]["id"].as_i64()), (Some(1), Some(app.member_a)));
    let (_, old) = app.get(&admin, "/api/v1/rates?to=2020-12-31&from=2020-01-01").await;
    assert_eq!(old["rates"][0]["numerator"], 0, "a pass counts for twelve months before the period's end");

    // The bank: a question checked, added, taken out of the quizzes.
    let (s, b) = app
        .post(
            &admin,
            "/api/v1/legal/quiz/questions",
            json!({"topic": "wages", "text": "", "options": ["只有一个"], "answer": 3}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    let q =
        json!({"topic": "wages", "text": "用人单位应当至少每月支付一次工资吗？", "options": ["是", "否"], "answer": 0});
    let (s, added) = app.post(&admin, "/api/v1/legal/quiz/questions", q).await;
    assert_eq!(s, 201, "{added}");
    let id = added["id"].as_i64().unwrap();
    let (_, quiz) = app.get(&member, "/api/v1/legal/quiz?topic=wages").await;
    assert_eq!(quiz["questions"].as_array().unwrap().len(), 4);
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &admin,
            &format!("/api/v1/legal/quiz/questions/{id}/active"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, quiz) = app.get(&member, "/api/v1/legal/quiz?topic=wages").await;
    assert_eq!(quiz["questions"].as_array().unwrap().len(), 3);

    // The figures and a recount agree.
    let facts = || async {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT indicator, month, CAST(sum(value) AS BIGINT) FROM indicators WHERE (indicator LIKE 'legal.quiz%' OR indicator LIKE 'legal.publicity%') \
             AND dim = '' AND union_id = (SELECT id FROM unions WHERE parent_id IS NULL) GROUP BY indicator, month ORDER BY 1, 2",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows
    };
    let running = facts().await;
    assert!(
        running.contains(&("legal.quizzes".into(), month.clone(), 2))
            && running.contains(&("legal.publicity_participants".into(), month.clone(), 45)),
        "{running:?}"
    );
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(running, facts().await);

    // On the phone: the member's quiz page, a missing answer said in Chinese, then the result.
    app.page_login("member_a").await;
    let (s, html) = app.page("/").await;
    assert!(s == 200 && html.contains("/me/quiz"), "the member's home offers the quiz");
    let (s, html) = app.page("/me/quiz/take?topic=safety").await;
    assert_eq!(s, 200);
    assert!(html.contains("安全生产与工伤保险") && html.contains("type=\"radio\""), "{html}");
    let csrf = app.csrf().await;
    let res = app
        .client
        .post(app.url("/me/quiz/take"))
        .form(&[("csrf", csrf.as_str()), ("topic", "safety")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请全部作答后提交"));
    let res = app.client.get(app.url("/legal/publicity")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/me/quiz", "a member is sent to their own quiz page");
}
