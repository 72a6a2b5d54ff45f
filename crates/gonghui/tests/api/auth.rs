use crate::helpers::{PASSWORD, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_and_openapi() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value =
        app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/unions/{code}",
        "/api/v1/unions/{code}/children",
        "/api/v1/members",
        "/api/v1/members/{id}",
        "/api/v1/members/{id}/reveal",
        "/api/v1/members/{id}/transfer",
        "/api/v1/audit",
    ] {
        assert!(paths.contains_key(p), "{p} missing from OpenAPI");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);

    // The router and the document come from the same lines: every documented operation is
    // served (never the fallback "no such route"), and every operation has a described tag.
    let token = app.token("admin").await;
    let tags: Vec<&str> = doc["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            for tag in op["tags"].as_array().into_iter().flatten() {
                assert!(tags.contains(&tag.as_str().unwrap()), "{method} {path}: tag {tag} undescribed");
            }
            let url = app.url(&path.replace("{year}", "2026").replace(['{', '}'], "").replace("code", "1"));
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app.client.request(method.clone(), &url).bearer_auth(&token).json(&json!({})).send().await.unwrap();
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            assert!(
                body["error"]["message"] != "no such route",
                "{method} {path} is documented but not routed ({status})"
            );
        }
    }
    assert!(operations >= 90, "{operations} operations");
}

#[tokio::test]
async fn login_me_logout() {
    let app = spawn_app().await;
    let (s, body) =
        app.post("", "/api/v1/auth/login", json!({"username": "cadre_a", "password": "wrong-password"})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(body["error"]["message_zh"], "用户名或密码错误");
    let (s, _) = app.post("", "/api/v1/auth/login", json!({"username": "nobody", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let token = app.token("cadre_a").await;
    let (s, me) = app.get(&token, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], "cadre");
    assert_eq!(me["scope_union_code"], "320925101");
    assert_eq!(me["user"]["username"], "cadre_a");

    let (_, me) = app.get(&app.token("admin").await, "/api/v1/me").await;
    assert_eq!(me["scope_union_code"], "320925");

    let r = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = app.get(&token, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, body) = app.get("not-a-token", "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn repeated_failures_slow_the_guesser_not_the_owner() {
    let app = spawn_app().await;
    let attempt = async |name: &str, password: &str, from: &str| {
        let r = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", format!("10.9.9.9, {from}"))
            .json(&json!({"username": name, "password": password}))
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json::<serde_json::Value>().await.unwrap())
    };
    let guesser = "203.0.113.9";
    for _ in 0..store::users::MAX_FAILED_LOGINS {
        attempt("leader", "wrong-password", guesser).await;
    }
    let (s, body) = attempt("leader", PASSWORD, guesser).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the guessing address waits, even with the right password");
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("分钟后再试"), "{body}");
    // The owner, from their own address, signs in as usual: strangers cannot lock them out.
    assert_eq!(attempt("leader", PASSWORD, "198.51.100.7").await.0, StatusCode::OK);
    // Unknown names answer exactly like known ones: no way to tell which exist.
    let prober = "203.0.113.50";
    for _ in 1..store::users::MAX_FAILED_LOGINS {
        assert_eq!(attempt("no-such-person", "wrong-password", prober).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("no-such-person", "wrong-password", prober).await.0, StatusCode::TOO_MANY_REQUESTS);
    // An address that tries many names waits too.
    let sprayer = "203.0.113.77";
    let mut last = StatusCode::OK;
    for n in 0..store::users::MAX_FAILED_FROM_ADDRESS + 1 {
        last = attempt(&format!("user{n}"), "wrong-password", sprayer).await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // A forged X-Forwarded-For further left changes nothing: the nearest untrusted hop counts.
    assert_eq!(attempt("leader", PASSWORD, guesser).await.0, StatusCode::TOO_MANY_REQUESTS);
    app.token("admin").await;
    // The failures and the wait are in the audit log.
    let (_, log) = app.get(&app.token("admin").await, "/api/v1/audit?action=login.locked").await;
    assert_eq!(log["total"], 1);
}

#[tokio::test]
async fn bad_requests_get_json_errors() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let r = app
        .client
        .post(app.url("/api/v1/members"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");

    let (s, body) = app.get(&token, "/api/v1/no-such-thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");

    let (s, _) = app.get(&token, "/api/v1/members?page=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, body) = app.get(&token, "/api/v1/members/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    let (s, body) = app.get(&token, "/api/v1/members/99999999999999999999999").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("不是有效的编号"));

    // An upload that is not a multipart form answers in the same JSON shape.
    let r = app
        .client
        .post(app.url("/api/v1/imports/members"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("not a form")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("multipart"), "{body}");

    let big = "x".repeat(web::MAX_BODY_BYTES + 10);
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn audit_is_for_admins_and_append_only() {
    let app = spawn_app().await;
    let (s, body) = app.get(&app.token("cadre_a").await, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "forbidden");
    let (s, log) = app.get(&app.token("admin").await, "/api/v1/audit?action=member.create").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(log["total"], 2);
    assert_eq!(log["items"][0]["entity"], "member");
    // The page says what happened in words, with names, and never the codes.
    app.page_login("admin").await;
    let (s, html) = app.page("/audit").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("新增会员") && html.contains("张阳光"), "{html}");
    assert!(!html.contains(">member.create<"));
    // Pages run no script from elsewhere, and nothing personal is cached.
    let r = app.client.get(app.url("/audit")).send().await.unwrap();
    assert!(r.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'self'"));
    assert_eq!(r.headers()["cache-control"], "no-store");
    let r = app.client.get(app.url("/static/app.css")).send().await.unwrap();
    assert_ne!(r.headers()["cache-control"], "no-store", "static files may be kept");
    // The database itself refuses to rewrite history.
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'").execute(app.db.pool()).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(app.db.pool()).await.is_err());
}

/// Two app nodes on one database: a session opened on one is good on the other.
#[tokio::test]
async fn app_nodes_share_sessions_through_the_database() {
    let app = spawn_app().await;
    let settings = gonghui::config::Settings { listen: "127.0.0.1:0".into(), ..Default::default() };
    let second = gonghui::startup::Application::build(&settings, app.db.clone()).await.unwrap();
    let other = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    let token = app.token("cadre_b").await;
    let r = app.client.get(format!("{other}/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["scope_union_code"], "320925102");
}

#[tokio::test]
async fn json_body_errors_say_what_is_wrong() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let path = format!("/api/v1/members/{}", app.member_a);
    let (s, body) = app.send(reqwest::Method::PATCH, &token, &path, json!({"migrant": "yes"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let zh = body["error"]["message_zh"].as_str().unwrap();
    assert!(zh.contains("类型不对") && zh.contains("migrant"), "{zh}");
    let r = app.client.post(app.url("/api/v1/members")).bearer_auth(&token).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("application/json"));
}
