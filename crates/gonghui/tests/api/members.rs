use crate::helpers::{id_no, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn create_shows_masked_and_refuses_second_record_for_one_person() {
    let app = spawn_app().await;
    let token = app.token("cadre_a").await;
    let id = id_no("320925", "19950203", 12).to_lowercase();
    let body = json!({"union": "A-001", "name": "王小红", "id_card_no": id, "phone": "+86 139-0000-1111", "skill_level": "高级工", "migrant": true, "joined_on": "2023年5月1日"});
    let (s, m) = app.post(&token, "/api/v1/members", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let full = id.to_uppercase();
    assert_eq!(m["id_card_masked"], format!("{}********{}", &full[..6], &full[14..]));
    assert_eq!(m["sex"], "female");
    assert_eq!(m["birth_date"], "1995-02-03");
    assert_eq!(m["phone"], "13900001111");
    assert_eq!(m["skill_level"], "senior");
    assert_eq!(m["joined_on"], "2023-05-01");
    assert!(!m.to_string().contains(&full), "full ID in a response");

    // Same person again (15-digit form is the same number), even from another town's cadre.
    let (s, e) = app.post(&token, "/api/v1/members", body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message_zh"].as_str().unwrap().contains("王小红"), "{e}");
    let (s, e) = app
        .post(
            &app.token("cadre_b").await,
            "/api/v1/members",
            json!({"union": "B-001", "name": "王小红", "id_card_no": full}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = e["error"]["message_zh"].as_str().unwrap();
    assert!(
        msg.contains("管辖范围以外") && !msg.contains("阳光机械公司工会") && !msg.contains("王小红"),
        "says the person is registered elsewhere, not where or who: {msg}"
    );

    let (_, u) = app.get(&token, "/api/v1/unions/A-001").await;
    assert_eq!(u["member_count"], 2);
}

#[tokio::test]
async fn invalid_fields_are_all_reported_and_nothing_is_written() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let (s, e) = app.post(&token, "/api/v1/members", json!({"union": "A-001", "name": "", "id_card_no": "320925199502030121", "phone": "12345", "joined_on": "2099-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "id_card_no", "phone", "joined_on"]);
    assert!(e["error"]["fields"][1]["message_zh"].as_str().unwrap().contains("校验位"));
    let (s, e) = app
        .post(
            &token,
            "/api/v1/members",
            json!({"union": "NOPE", "name": "甲", "id_card_no": id_no("320925", "19800101", 1)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "union");
    let (_, list) = app.get(&token, "/api/v1/members?status=all").await;
    assert_eq!(list["total"], 2);
    // A list's filter of a fixed set: empty is every value; spaces alone are not a value (the
    // API document lists the values and "" only), in every mechanism.
    for path in ["/api/v1/members?status=", "/api/v1/work/items?status=&kind=", "/api/v1/problems?type="] {
        let (s, body) = app.get(&token, path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    for path in [
        "/api/v1/members?status=%0A",
        "/api/v1/work/items?kind=%20",
        "/api/v1/problems?type=%0A",
        "/api/v1/legal/aid?stage=%20",
        "/api/v1/bulletins?status=%09",
    ] {
        let (s, body) = app.get(&token, path).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
    }
}

#[tokio::test]
async fn fifteen_digit_numbers_are_converted() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let (s, m) = app
        .post(&token, "/api/v1/members", json!({"union": "A-001", "name": "老刘", "id_card_no": "320925670401001"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["birth_date"], "1967-04-01");
    let (_, found) = app.get(&token, &format!("/api/v1/members?q={}", id_no("320925", "19670401", 1))).await;
    assert_eq!(found["total"], 1);
}

#[tokio::test]
async fn any_part_of_a_name_finds_a_member() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    // Any part of a name: those it starts first, then the rest, each in name order; on a page
    // of its own, in the caller's scope, and following a changed name.
    for (name, id) in [("王小光", id_no("320925", "19910203", 51)), ("光明", id_no("320925", "19920304", 62))] {
        let (s, m) =
            app.post(&token, "/api/v1/members", json!({"union": "A-001", "name": name, "id_card_no": id})).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
    }
    let names = |r: &serde_json::Value| -> Vec<String> {
        r["items"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect()
    };
    let (_, r) = app.get(&token, "/api/v1/members?q=光").await;
    assert_eq!(
        (r["total"].as_i64(), names(&r)),
        (Some(4), vec!["光明".into(), "张阳光".into(), "李湖光".into(), "王小光".into()])
    );
    let (_, r) = app.get(&token, "/api/v1/members?q=光&per_page=2&page=2").await;
    assert_eq!(names(&r), vec!["李湖光".to_string(), "王小光".into()]);
    assert_eq!(r["more"], false, "every match counted");
    let (s, r) = app.get(&token, "/api/v1/members?q=光&page=99999").await;
    assert_eq!((s, r["total"].as_i64(), r["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(4), Some(0)));
    let cadre = app.token("cadre_b").await;
    assert_eq!(names(&app.get(&cadre, "/api/v1/members?q=光").await.1), vec!["李湖光".to_string()]);
    // Within part of the county (a town's cadre, or a union chosen) a name's start is found by
    // its first character within the part: the same members, the same order.
    let cadre_a = app.token("cadre_a").await;
    let (_, r) = app.get(&cadre_a, "/api/v1/members?q=王小").await;
    assert_eq!((r["total"].as_i64(), names(&r)), (Some(1), vec!["王小光".to_string()]));
    assert_eq!(
        names(&app.get(&cadre_a, "/api/v1/members?q=光").await.1),
        vec!["光明".to_string(), "张阳光".into(), "王小光".into()]
    );
    assert_eq!(names(&app.get(&token, "/api/v1/members?q=王&union=A-001").await.1), vec!["王小光".to_string()]);
    assert_eq!(app.get(&token, "/api/v1/members?q=王&union=320925102").await.1["total"], 0);
    let (_, r) = app.get(&token, "/api/v1/members?q=小光").await;
    let id = r["items"][0]["id"].as_i64().unwrap();
    assert_eq!(names(&r), vec!["王小光".to_string()]);
    let (s, _) =
        app.send(reqwest::Method::PATCH, &token, &format!("/api/v1/members/{id}"), json!({"name": "王大明"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get(&token, "/api/v1/members?q=小光").await.1["total"], 0);
    assert_eq!(names(&app.get(&token, "/api/v1/members?q=大明").await.1), vec!["王大明".to_string()]);
}

#[tokio::test]
async fn search_by_name_phone_and_exact_id() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let (_, r) = app.get(&token, "/api/v1/members?q=张").await;
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["name"], "张阳光");
    let (_, r) = app.get(&token, "/api/v1/members?q=13912340002").await;
    assert_eq!(r["items"][0]["name"], "李湖光");
    let (_, r) = app.get(&token, "/api/v1/members?q=1391234").await;
    assert_eq!(r["total"], 2, "the two with phones");
    let (_, r) = app.get(&token, &format!("/api/v1/members?q={}", id_no("320925", "19880512", 31))).await;
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["id"], app.member_a);
    // The last four characters of an ID number, as a cadre often knows them.
    let tail = &id_no("320925", "19880512", 31)[14..];
    let (_, r) = app.get(&token, &format!("/api/v1/members?q={}", tail.to_lowercase())).await;
    assert_eq!(r["total"], 1, "{r}");
    assert_eq!(r["items"][0]["id"], app.member_a);
    let cadre_b = app.token("cadre_b").await;
    let (_, r) = app.get(&cadre_b, &format!("/api/v1/members?q={tail}")).await;
    assert_eq!(r["total"], 0, "out of scope");
    let (_, r) = app.get(&token, "/api/v1/members?union=320925102").await;
    assert_eq!(r["total"], 1);
    let (_, r) = app.get(&token, "/api/v1/members?migrant=true").await;
    assert_eq!(r["total"], 0);
    let (_, r) = app.get(&token, "/api/v1/members?per_page=1&page=2").await;
    assert_eq!(r["total"], 2);
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    let (s, _) = app.get(&token, "/api/v1/members?status=sleeping").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn patch_history_transfer_and_status() {
    let app = spawn_app().await;
    let token = app.token("cadre_a").await;
    let path = format!("/api/v1/members/{}", app.member_a);
    let (s, m) = app.send(Method::PATCH, &token, &path, json!({"job": "焊工", "model_worker": "county"})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["job"], "焊工");
    assert_eq!(m["model_worker"], "county");
    assert_eq!(m["name"], "张阳光");
    let (s, e) = app.send(Method::PATCH, &token, &path, json!({"phone": "abc"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "phone");

    // Transfer within town A's subtree: create a second union there first.
    app.post(
        &token,
        "/api/v1/unions",
        json!({"code": "A-002", "name": "建阳二厂工会", "level": "grassroots", "parent_code": "320925101"}),
    )
    .await;
    let (s, m) = app.post(&token, &format!("{path}/transfer"), json!({"to_union": "A-002", "note": "调动"})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["union_code"], "A-002");
    // Not to a union the cadre cannot see.
    let (s, e) = app.post(&token, &format!("{path}/transfer"), json!({"to_union": "B-001"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "to_union");

    let (s, m) = app.post(&token, &format!("{path}/status"), json!({"event": "retained", "date": "2025-01-02"})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "retained");
    let (s, e) = app.post(&token, &format!("{path}/status"), json!({"event": "retained"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message_zh"].as_str().unwrap().contains("保留会籍"));
    app.post(&token, &format!("{path}/status"), json!({"event": "rejoined"})).await;

    let (s, h) = app.get(&token, &format!("{path}/history")).await;
    assert_eq!(s, StatusCode::OK);
    let events: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["joined", "transferred_out", "transferred_in", "retained", "rejoined"]);
    assert_eq!(h[1]["from_union"], "阳光机械公司工会");
    assert_eq!(h[1]["to_union"], "建阳二厂工会");
    assert_eq!(h[3]["on_date"], "2025-01-02");

    let (_, a1) = app.get(&token, "/api/v1/unions/A-001").await;
    let (_, a2) = app.get(&token, "/api/v1/unions/A-002").await;
    assert_eq!((a1["member_count"].as_i64(), a2["member_count"].as_i64()), (Some(0), Some(1)));
}

#[tokio::test]
async fn reveal_needs_role_and_reason_and_is_audited() {
    let app = spawn_app().await;
    let path = format!("/api/v1/members/{}/reveal", app.member_a);
    let cadre = app.token("cadre_a").await;
    let (s, e) = app.post(&cadre, &path, json!({"reason": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "reason");
    let (s, r) = app.post(&cadre, &path, json!({"reason": "办理互助保障理赔"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["id_card_no"], id_no("320925", "19880512", 31));
    for role in ["leader", "dept"] {
        let (s, _) = app.post(&app.token(role).await, &path, json!({"reason": "看看"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    // A member may see their own number.
    let (s, _) = app.post(&app.token("member_a").await, &path, json!({"reason": "本人查看"})).await;
    assert_eq!(s, StatusCode::OK);

    let (_, log) = app
        .get(&app.token("admin").await, &format!("/api/v1/audit?action=member.reveal&entity_id={}", app.member_a))
        .await;
    assert_eq!(log["total"], 2);
    assert_eq!(log["items"][1]["username"], "cadre_a");
    assert_eq!(log["items"][1]["detail"], "办理互助保障理赔");
    assert_eq!(log["items"][1]["ip"], "127.0.0.1");
}

#[tokio::test]
async fn id_numbers_are_encrypted_at_rest() {
    let app = spawn_app().await;
    let full = id_no("320925", "19880512", 31);
    let (cipher, hash, masked): (Vec<u8>, Vec<u8>, String) =
        sqlx::query_as("SELECT id_cipher, id_hash, id_masked FROM members WHERE id = $1")
            .bind(app.member_a)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let needle = full.as_bytes();
    assert!(!cipher.windows(needle.len()).any(|w| w == needle));
    assert_eq!(hash.len(), 32);
    assert_eq!(masked, format!("{}********{}", &full[..6], &full[14..]));
    assert_eq!(app.db.vault().open(&cipher).unwrap(), full);
}

/// Names refuse characters nobody can see; full-width digits in an ID number are read as
/// digits; lengths are counted in characters.
#[tokio::test]
async fn hidden_characters_and_full_width_numbers() {
    let app = spawn_app().await;
    let token = app.token("cadre_a").await;
    let (s, b) = app
        .post(
            &token,
            "/api/v1/members",
            json!({"union": "A-001", "name": "王\u{202E}芳", "id_card_no": id_no("320925", "19950203", 12)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["fields"][0]["field"], "name");
    let id = id_no("320925", "19950203", 12);
    let wide: String =
        id.chars().map(|c| if c == 'X' { 'Ｘ' } else { char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap() }).collect();
    let (s, m) =
        app.post(&token, "/api/v1/members", json!({"union": "A-001", "name": "王芳", "id_card_no": wide})).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, b) =
        app.post(&token, "/api/v1/members", json!({"union": "A-001", "name": "王芳", "id_card_no": "１２３"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("3 位"), "{b}");
}

/// A cadre entering the ID number of someone registered outside their scope learns that the
/// person is a member elsewhere (a transfer needs that), not where.
#[tokio::test]
async fn a_number_registered_elsewhere_does_not_say_where() {
    let app = spawn_app().await;
    let cadre_b = app.token("cadre_b").await;
    let body = json!({"union": "B-001", "name": "张阳光", "id_card_no": id_no("320925", "19880512", 31)});
    let (s, b) = app.post(&cadre_b, "/api/v1/members", body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let zh = b["error"]["fields"][0]["message_zh"].as_str().unwrap();
    assert!(zh.contains("管辖范围以外") && !zh.contains("阳光") && !zh.contains("建阳"), "{zh}");
    // The county, which sees both, is told where.
    let (_, b) = app.post(&app.token("admin").await, "/api/v1/members", body).await;
    assert!(b["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("阳光机械公司工会"), "{b}");
}
