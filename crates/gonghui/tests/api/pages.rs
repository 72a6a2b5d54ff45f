use crate::helpers::{id_no, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn pages_need_login_and_show_masked_ids() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/members")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?next="));

    // A login posted without the form's token (from another site) is refused before any check.
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "cadre_a"), ("password", crate::helpers::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("页面已过期"));
    let (_, form) = app.page("/login").await;
    let at = form.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = form[at..].split('"').next().unwrap().to_string();
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "cadre_a"), ("password", "nope-nope"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));

    app.page_login("cadre_a").await;
    let (s, home) = app.page("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("建湖县总工会 / 建阳镇总工会"), "{home}");

    let full = id_no("320925", "19880512", 31);
    let (s, list) = app.page("/members?q=张").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("张阳光"));
    assert!(list.contains(&format!("{}********{}", &full[..6], &full[14..])));
    assert!(!list.contains(&full));

    let (s, detail) = app.page(&format!("/members/{}", app.member_a)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(detail.contains("会籍记录") && detail.contains("入会"));
    assert!(!detail.contains(&full));

    // Town A's cadre cannot open town B's member or union.
    assert_eq!(app.page(&format!("/members/{}", app.member_b)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/unions/B-001").await.0, StatusCode::NOT_FOUND);
    let (_, tree) = app.page("/unions?q=工会").await;
    assert!(!tree.contains("湖光"));
}

#[tokio::test]
async fn forms_check_csrf_show_field_errors_and_reveal() {
    let app = spawn_app().await;
    app.page_login("cadre_a").await;
    let id = app.member_a;

    // Without the token nothing happens.
    let r =
        app.client.post(app.url(&format!("/members/{id}/reveal"))).form(&[("reason", "核对")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf().await;

    let r = app
        .client
        .post(app.url(&format!("/members/{id}/reveal")))
        .form(&[("csrf", csrf.as_str()), ("reason", "核对身份")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains(&id_no("320925", "19880512", 31)));

    let bad =
        [("csrf", csrf.as_str()), ("union", "A-001"), ("name", "新会员"), ("id_card_no", "123"), ("phone", "555")];
    let r = app.client.post(app.url("/members/new")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("身份证号应为 18 位") && html.contains("手机号应为 11 位"), "{html}");
    assert!(html.contains("value=\"新会员\""), "typed values are kept");

    let good_id = id_no("320925", "19990909", 88);
    let good = [
        ("csrf", csrf.as_str()),
        ("union", "A-001"),
        ("name", "新会员"),
        ("id_card_no", good_id.as_str()),
        ("migrant", "true"),
    ];
    let r = app.client.post(app.url("/members/new")).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.page(&loc).await;
    assert!(page.contains("新会员") && page.contains("已保存"));

    let r = app
        .client
        .post(app.url(&format!("/members/{id}/edit")))
        .form(&[("csrf", csrf.as_str()), ("name", "张阳光"), ("job", "钳工")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&format!("/members/{id}")).await;
    assert!(page.contains("钳工"));

    let r = app.client.post(app.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.client.get(app.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn admin_pages_and_audit() {
    let app = spawn_app().await;
    app.page_login("admin").await;
    let (s, tree) = app.page("/unions/320925").await;
    assert_eq!(s, StatusCode::OK);
    assert!(tree.contains("建阳镇总工会") && tree.contains("九龙口镇总工会"));
    let (s, audit) = app.page("/audit?action=member.create").await;
    assert_eq!(s, StatusCode::OK);
    assert!(audit.contains("member.create"));
    let (s, _) = app.page("/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// A member's home is their services; they meet no staff menu, no 403 and no reveal link.
#[tokio::test]
async fn a_members_home_is_their_services() {
    let app = spawn_app().await;
    app.page_login("member_a").await;
    let (s, home) = app.page("/").await;
    assert_eq!(s, StatusCode::OK);
    for tile in ["喜事难事", "我的事项", "问一问", "我的普惠", "通知", "我的会员信息"] {
        assert!(home.contains(tile), "{tile}");
    }
    for staff in ["href=\"/members\"", "href=\"/unions\"", "href=\"/work/figures\"", "href=\"/audit\""] {
        assert!(!home.contains(staff), "{staff}");
    }
    // Everything the member's menu and tiles link to opens.
    for path in ["/work", "/work/new", "/care", "/care/new", "/me/benefits"] {
        let (s, html) = app.page(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(!html.contains("href=\"/work/figures\""), "{path}");
    }
    let r = app.client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(r.headers()["location"], format!("/members/{}", app.member_a));
    let (_, record) = app.page(&format!("/members/{}", app.member_a)).await;
    assert!(record.contains("张阳光") && !record.contains("/reveal"), "no reveal link on their own record");

    // 问一问 offers a member's choices in their words, and refuses the staff kinds.
    let (_, form) = app.page("/work/new").await;
    assert!(form.contains("反映问题或困难") && !form.contains("五调"), "{form}");
    let token = app.token("member_a").await;
    let (s, body) =
        app.post(&token, "/api/v1/work/items", serde_json::json!({"kind": "assist_task", "title": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message_zh"].as_str().unwrap().contains("反映问题或困难"));
}

/// Pickers find unions, members and staff by name within the caller's scope, so nobody needs
/// to know a code.
#[tokio::test]
async fn pickers_find_by_name_within_scope() {
    let app = spawn_app().await;
    app.page_login("cadre_a").await;
    let json = |body: String| -> Vec<serde_json::Value> { serde_json::from_str(&body).unwrap() };
    let (s, body) = app.page("/pick/unions?q=阳光").await;
    assert_eq!(s, StatusCode::OK);
    let unions = json(body);
    assert_eq!(unions[0]["value"], "A-001", "{unions:?}");
    assert!(unions[0]["detail"].as_str().unwrap().contains(" / "), "the full path");
    let tail = &id_no("320925", "19880512", 31)[14..];
    let members = json(app.page(&format!("/pick/members?q={tail}")).await.1);
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["value"], app.member_a.to_string());
    assert!(members[0]["detail"].as_str().unwrap().contains("****"), "masked");
    let staff = json(app.page("/pick/staff?q=cadre").await.1);
    let names: Vec<&str> = staff.iter().map(|s| s["value"].as_str().unwrap()).collect();
    assert!(names.contains(&"cadre_a1") && !names.contains(&"cadre_b"), "{names:?}");

    // Town B finds nothing of town A.
    app.page_login("cadre_b").await;
    assert!(json(app.page("/pick/unions?q=阳光").await.1).is_empty());
    assert!(json(app.page(&format!("/pick/members?q={tail}")).await.1).is_empty());
    // And the page carries the picker.
    let (_, html) = app.page(&format!("/members/{}", app.member_b)).await;
    assert!(html.contains("data-pick=\"unions\"") && html.contains("/static/pick.js"));
}

/// A link up the tree is shown only where the reader may follow it.
#[tokio::test]
async fn no_link_leads_out_of_scope() {
    let app = spawn_app().await;
    app.page_login("cadre_a1").await;
    let (s, html) = app.page("/unions/A-001").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("href=\"/unions/320925101\""), "the town is not theirs to open");
    assert!(html.contains("制造业"), "the industry in words");
    assert!(!html.contains(">C<"));
    app.page_login("cadre_a").await;
    let (_, html) = app.page("/unions/A-001").await;
    assert!(html.contains("href=\"/unions/320925101\""), "the town cadre goes up to their town");
}
