use crate::helpers::spawn_app;

/// Deadlines in working days across the National Day and Spring Festival holidays and makeup
/// Saturdays, and a year's arrangement, as clients that show deadlines ask for them.
#[tokio::test]
async fn deadlines_in_working_days_and_a_years_arrangement() {
    let app = spawn_app().await;
    let token = app.token("member_a").await;
    let due = async |q: &str| app.get(&token, &format!("/api/v1/calendar/add?{q}")).await;

    // 3 working days after 2025-09-30: 10-01…10-08 are off, Saturday 10-11 is worked.
    let (s, body) = due("date=2025-09-30&days=3").await;
    assert_eq!(s, 200);
    assert_eq!(body, serde_json::json!({"date": "2025-10-11", "known": true}));
    // The day before the Spring Festival break: the makeup Saturday, then after the break.
    assert_eq!(due("date=2026-02-13&days=2").await.1["date"], "2026-02-24");
    assert_eq!(due("date=2026-02-13&days=0").await.1["date"], "2026-02-13");
    // Past the shipped years: Monday–Friday, and the answer says so.
    assert_eq!(due("date=2026-12-30&days=5").await.1, serde_json::json!({"date": "2027-01-06", "known": false}));

    // Periods in days (民法典 201–203): from the next day, the last moved past days off; a
    // makeup Saturday ends a period. The default unit stays working days.
    assert_eq!(due("date=2026-09-24&days=7&unit=calendar").await.1["date"], "2026-10-08");
    assert_eq!(due("date=2026-09-27&days=13&unit=calendar").await.1["date"], "2026-10-10");
    assert_eq!(due("date=2026-02-01&days=15&unit=calendar").await.1["date"], "2026-02-24");
    assert_eq!(due("date=2026-09-24&days=7&unit=working").await.1["date"], "2026-10-12");
    assert_eq!(due("date=2026-09-24&days=7").await.1["date"], "2026-10-12");

    for bad in [
        "date=2026-02-30&days=1",
        "date=tomorrow&days=1",
        "date=2026-01-05&days=-1",
        "date=2026-01-05&days=99999",
        "date=2026-01-05&days=1&unit=weeks",
    ] {
        let (s, body) = due(bad).await;
        assert_eq!(s, 422, "{bad}");
        assert!(body["error"]["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "{bad}: {body}");
    }
    let (s, body) = due("date=2026-01-05").await;
    assert_eq!(s, 400, "days is required: {body}");
    assert!(body["error"]["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "{body}");

    let (s, year) = app.get(&token, "/api/v1/calendar/2026").await;
    assert_eq!(s, 200);
    assert_eq!(year["known"], true);
    assert_eq!(year["makeup_workdays"][1], "2026-02-14");
    let days_off = year["days_off"].as_array().unwrap();
    assert!(days_off.iter().any(|d| d["date"] == "2026-10-01" && d["holiday"] == "国庆节"));
    assert_eq!(app.get(&token, "/api/v1/calendar/2031").await.1["known"], false);
    assert_eq!(app.get(&token, "/api/v1/calendar/99999").await.0, 422);

    // Signed-in users only, like the rest of the API.
    let r = app.client.get(app.url("/api/v1/calendar/2026")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}
