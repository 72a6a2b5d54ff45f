//! 集体合同: a wage contract from the request to negotiate to the contract in force, the workers'
//! congress vote checked, the department's silence counted, 劳资双方共赢率 and 集体合同建制率,
//! renewal only in its window, a sector's contract through its union, the enterprise's flags.

use crate::helpers::spawn_app;
use serde_json::json;

fn days_ago(n: i64) -> String {
    domain::fmt_date(web::today() - time::Duration::days(n))
}

async fn calendar_add(app: &crate::helpers::TestApp, token: &str, date: &str, days: u32) -> String {
    let (s, b) = app.get(token, &format!("/api/v1/calendar/add?date={date}&days={days}&unit=calendar")).await;
    assert_eq!(s, 200, "{b}");
    b["date"].as_str().unwrap().to_string()
}

fn rate(r: &serde_json::Value, code: &str) -> (i64, i64) {
    let x = r["rates"]
        .as_array()
        .unwrap()
        .iter()
        .chain(r["figures"].as_array().unwrap())
        .find(|x| x["code"] == code)
        .cloned();
    let x = x.unwrap_or_else(|| panic!("{code}: {r}"));
    (x["numerator"].as_i64().unwrap(), x["denominator"].as_i64().unwrap())
}

#[tokio::test]
async fn a_wage_contract_is_negotiated_voted_signed_reviewed_and_counted() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let cadre_a = app.token("cadre_a").await;
    let cadre_b = app.token("cadre_b").await;
    let today = days_ago(0);

    let (s, d) = app
        .post(
            &cadre_a,
            "/api/v1/legal/contracts",
            json!({"scope": "enterprise", "enterprise": "阳光机械", "kind": "wages", "requested_by": "union"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["contract"]["id"].as_i64().unwrap();
    assert_eq!(
        (d["contract"]["party_name"].as_str(), d["step"].as_str()),
        (Some("建湖县阳光机械有限公司"), Some("书面答复协商要求"))
    );
    assert_eq!(d["step_due"].as_str().unwrap(), calendar_add(&app, &admin, &today, 20).await);
    assert_eq!(app.get(&cadre_b, &format!("/api/v1/legal/contracts/{id}")).await.0, 404);
    let url = |step: &str| format!("/api/v1/legal/contracts/{id}/{step}");

    // A refusal needs its reasons; agreed, negotiation opens.
    assert_eq!(app.post(&cadre_a, &url("answer"), json!({"agreed": false})).await.0, 422);
    let (s, d) = app.post(&cadre_a, &url("answer"), json!({"agreed": true})).await;
    assert_eq!((s.as_u16(), d["contract"]["stage"].as_str()), (200, Some("negotiating")), "{d}");

    // The vote waits for the representatives: equal, three a side at least.
    let vote = json!({"entitled": 90, "present": 60, "approving": 46, "term_years": 1, "wage_increase": "5.5", "covered_workers": 120});
    assert_eq!(app.post(&cadre_a, &url("vote"), vote.clone()).await.0, 409);
    let reps =
        |w: i64, e: i64| json!({"workers": w, "employer": e, "chief_worker": "张阳光", "chief_employer": "李总"});
    let (s, b) = app.post(&cadre_a, &url("representatives"), reps(3, 4)).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("representatives")), "{b}");
    assert_eq!(app.post(&cadre_a, &url("representatives"), reps(2, 2)).await.0, 422);
    assert_eq!(app.post(&cadre_a, &url("representatives"), reps(5, 5)).await.0, 200);

    // A count above the representatives, a term over three years: refused. A vote short of two
    // thirds present is recorded and negotiation goes on.
    let (s, b) = app.post(&cadre_a, &url("vote"), json!({"entitled": 90, "present": 60, "approving": 61})).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("approving")), "{b}");
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("赞成票不能多于实到人数"));
    let (s, d) = app.post(&cadre_a, &url("vote"), json!({"entitled": 90, "present": 59, "approving": 59})).await;
    assert_eq!((s.as_u16(), d["contract"]["stage"].as_str()), (200, Some("negotiating")), "{d}");
    assert_eq!(d["steps"].as_array().unwrap().last().unwrap()["decision"], "未通过");
    let mut long = vote.clone();
    long["term_years"] = json!(4);
    let (s, b) = app.post(&cadre_a, &url("vote"), long).await;
    assert_eq!((s.as_u16(), b["error"]["fields"][0]["field"].as_str()), (422, Some("term_years")), "{b}");
    let (s, d) = app.post(&cadre_a, &url("vote"), vote).await;
    assert_eq!(s, 200, "{d}");
    let c = &d["contract"];
    assert_eq!(
        (c["stage"].as_str(), c["covered_workers"].as_i64(), c["wage_increase"].as_str()),
        (Some("submitting"), Some(120), Some("5.5"))
    );
    assert_eq!(d["step_due"].as_str().unwrap(), calendar_add(&app, &admin, &today, 10).await, "submission in 10 days");
    let expires = c["expires_on"].as_str().unwrap().to_string();
    assert!(expires > today);

    // Submitted: in force the day after the 15-day review unless the department objects.
    let (s, d) = app.post(&cadre_a, &url("submission"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    let review_due = calendar_add(&app, &admin, &today, 15).await;
    assert_eq!(d["contract"]["review_due"].as_str(), Some(review_due.as_str()));
    assert_eq!(d["valid"], false, "not yet in force");
    let effective = d["contract"]["effective_on"].as_str().unwrap().to_string();
    assert!(effective > review_due);
    // The rates on the day silence puts it in force: the one enterprise has a valid contract.
    let (_, r) = app.get(&admin, &format!("/api/v1/rates?to={effective}")).await;
    assert_eq!((rate(&r, "win_win"), rate(&r, "contracts")), ((1, 1), (1, 1)), "{r}");
    let (_, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!(rate(&r, "contracts"), (0, 1), "not in force today");

    // The department confirms today: in force from today; renewal waits for its window.
    let (s, d) = app.post(&cadre_a, &url("review"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (d["contract"]["stage"].as_str(), d["valid"].as_bool(), d["contract"]["effective_on"].as_str()),
        (Some("in_force"), Some(true), Some(today.as_str()))
    );
    assert_eq!(d["step"], "续签协商");
    assert_eq!(d["step_due"].as_str(), d["contract"]["renewal_opens"].as_str());
    assert_eq!(app.post(&cadre_a, &url("renewal"), json!({"renew": true})).await.0, 409);
    assert_eq!(app.post(&cadre_a, &url("renewal"), json!({"renew": false})).await.0, 422);
    assert_eq!(app.post(&cadre_a, &url("publication"), json!({})).await.0, 200);
    assert_eq!(app.post(&cadre_a, &url("publication"), json!({})).await.0, 409);
    let (_, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!((rate(&r, "win_win"), rate(&r, "contracts")), ((1, 1), (1, 1)), "{r}");
    let (_, rows) = app.get(&admin, "/api/v1/rates/win_win/rows").await;
    assert_eq!(rows["items"][0]["name"], "建湖县阳光机械有限公司");

    // A labour dispute of its workers open today: a contract, but not win-win.
    let dispute = json!({"member_id": app.member_a, "claims": ["wages"], "employer": "建湖县阳光机械有限公司", "facts": "欠薪", "knew_on": days_ago(10)});
    assert_eq!(app.post(&cadre_a, "/api/v1/legal/disputes", dispute).await.0, 201);
    let (_, r) = app.get(&admin, "/api/v1/rates").await;
    assert_eq!((rate(&r, "win_win"), rate(&r, "contracts")), ((0, 1), (1, 1)), "{r}");

    // The enterprise's democratic management, in scope only.
    let (s, fl) = app
        .send(
            reqwest::Method::PUT,
            &cadre_a,
            "/api/v1/enterprises/1/flags",
            json!({"mediation_committee": true, "workers_congress": true}),
        )
        .await;
    assert_eq!((s.as_u16(), fl["open_affairs"].as_bool()), (200, Some(false)), "{fl}");
    assert_eq!(app.send(reqwest::Method::PUT, &cadre_b, "/api/v1/enterprises/1/flags", json!({})).await.0, 404);
    let (_, d) = app.get(&admin, &format!("/api/v1/legal/contracts/{id}")).await;
    assert_eq!(d["flags"]["workers_congress"], true);

    // A region's contract through its union, named as a cadre knows it; bad input at once.
    let (s, b) = app
        .post(
            &admin,
            "/api/v1/legal/contracts",
            json!({"scope": "region", "kind": "comprehensive", "requested_by": "union"}),
        )
        .await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["union", "party_name"], "{b}");
    let region = json!({"scope": "region", "union": "九龙口镇总工会", "party_name": "九龙口镇区域", "kind": "comprehensive", "requested_by": "union", "requested_on": days_ago(3)});
    let (s, d) = app.post(&admin, "/api/v1/legal/contracts", region.clone()).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["contract"]["union_name"], "九龙口镇总工会");
    assert_eq!(
        app.post(&cadre_a, "/api/v1/legal/contracts", region).await.1["error"]["fields"][0]["field"],
        "union",
        "out of scope is not found"
    );
    let (_, list) = app.get(&admin, "/api/v1/legal/contracts?stage=open").await;
    assert_eq!(list["total"], 1);
    assert_eq!(app.get(&admin, "/api/v1/legal/contracts?stage=sometime").await.0, 422);

    // The figures and a recount agree; the page shows the contract.
    let facts = || async {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT indicator, month, dim, CAST(sum(value) AS BIGINT) FROM indicators WHERE indicator LIKE 'legal.contract%' \
             AND union_id = (SELECT id FROM unions WHERE parent_id IS NULL) GROUP BY indicator, month, dim ORDER BY 1, 2, 3",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows
    };
    let running = facts().await;
    assert!(running.iter().any(|r| r.0 == "legal.contract_workers" && r.2 == "k:wages" && r.3 == 120), "{running:?}");
    store::indicators::recount(&app.db).await.unwrap();
    assert_eq!(running, facts().await);
    app.page_login("cadre_a").await;
    let (s, html) = app.page(&format!("/legal/contracts/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("工资专项集体合同") && html.contains("续签协商") && html.contains("职工代表大会"), "{html}");
    let (s, html) = app.page("/legal/contracts").await;
    assert_eq!(s, 200);
    assert!(html.contains("劳资双方共赢率") && html.contains("集体合同建制率"), "{html}");
}
