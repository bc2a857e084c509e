//! Editing through the service layer: ownership, versions, validation, confidentiality and the
//! audit entry written with every change.

mod common;

use common::{Scope, TestApp, principal};
use kota_domain::access::Role;
use kota_domain::edit::{CityProfileInput, ProjectInput, ProjectUpdateInput};
use kota_domain::money::Money;
use kota_domain::project::{Seek, Stage};
use kota_store::WriteError;
use kota_store::records::city_profile::UpdateCityProfile;
use kota_store::records::project::{CreateProject, RecordProgress, UpdateProject};

async fn city_id(app: &TestApp, slug: &str) -> uuid::Uuid {
    app.store
        .city(&common::key(slug), None)
        .await
        .expect("query")
        .expect("city")
        .id
}

fn profile() -> CityProfileInput {
    CityProfileInput {
        description: Some("Gateway city of the Mekong".into()),
        website: Some("https://www.bangkok.go.th/".into()),
        contact: Some("smartcity-office, +66 2 000 0000".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn each_role_edits_only_the_cities_it_owns() {
    let app = TestApp::spawn().await;
    let bangkok = city_id(&app, "bangkok").await;
    let jakarta = city_id(&app, "jakarta").await;
    let partner = app
        .store
        .partner(&common::key("asian-development-bank-adb"))
        .await
        .expect("query")
        .expect("ADB")
        .id;
    let cases = [
        (
            principal(Role::CityOfficer, Scope::City(bangkok)),
            "bangkok",
            true,
        ),
        (
            principal(Role::CityOfficer, Scope::City(jakarta)),
            "bangkok",
            false,
        ),
        (
            principal(Role::NationalRepresentative, Scope::State("TH")),
            "phuket",
            true,
        ),
        (
            principal(Role::NationalRepresentative, Scope::State("TH")),
            "jakarta",
            false,
        ),
        (
            principal(Role::PartnerRepresentative, Scope::Partner(partner)),
            "bangkok",
            false,
        ),
        (
            principal(Role::Coordinator, Scope::Network),
            "jakarta",
            true,
        ),
        (principal(Role::Admin, Scope::Network), "bangkok", false),
    ];
    for (who, slug, allowed) in cases {
        let before = app
            .store
            .city(&common::key(slug), Some(&who))
            .await
            .expect("query")
            .expect("city");
        let result = app
            .store
            .apply_edit(
                &who,
                UpdateCityProfile {
                    city: common::key(slug),
                    input: profile(),
                },
                Some(before.version),
            )
            .await;
        let after = app
            .store
            .city(&common::key(slug), Some(&who))
            .await
            .expect("query")
            .expect("city");
        if allowed {
            let city = result.expect("allowed");
            assert_eq!(city.version, before.version + 1);
            assert_eq!(
                after.description.as_deref(),
                Some("Gateway city of the Mekong")
            );
        } else {
            assert!(
                matches!(result, Err(WriteError::Forbidden)),
                "{:?} on {slug}",
                who.role()
            );
            assert_eq!(after, before, "a forbidden write changes nothing");
        }
    }
}

#[tokio::test]
async fn a_stale_version_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let who = principal(
        Role::CityOfficer,
        Scope::City(city_id(&app, "bangkok").await),
    );
    app.store
        .apply_edit(
            &who,
            UpdateCityProfile {
                city: common::key("bangkok"),
                input: profile(),
            },
            Some(1),
        )
        .await
        .expect("first edit");
    let other = CityProfileInput {
        description: Some("Overwritten".into()),
        ..profile()
    };
    let result = app
        .store
        .apply_edit(
            &who,
            UpdateCityProfile {
                city: common::key("bangkok"),
                input: other.clone(),
            },
            Some(1),
        )
        .await;
    assert!(
        matches!(result, Err(WriteError::Stale { current: 2 })),
        "{result:?}"
    );
    let city = app
        .store
        .city(&common::key("bangkok"), Some(&who))
        .await
        .expect("query")
        .expect("city");
    assert_eq!(
        city.description.as_deref(),
        Some("Gateway city of the Mekong")
    );
}

#[tokio::test]
async fn invalid_fields_are_all_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let who = principal(Role::Coordinator, Scope::Network);
    let audit_before = app
        .store
        .audit_entries(None, Default::default())
        .await
        .expect("audit")
        .total;
    let bad = CityProfileInput {
        website: Some("ftp://example.org".into()),
        population: Some(-3),
        description: Some("x".repeat(5001)),
        ..Default::default()
    };
    let Err(WriteError::Invalid(errors)) = app
        .store
        .apply_edit(
            &who,
            UpdateCityProfile {
                city: common::key("bangkok"),
                input: bad.clone(),
            },
            None,
        )
        .await
    else {
        panic!("invalid input must be refused");
    };
    let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["description", "population", "website"]);
    assert_eq!(
        app.store
            .city(&common::key("bangkok"), None)
            .await
            .expect("query")
            .expect("city")
            .version,
        1
    );
    assert_eq!(
        app.store
            .audit_entries(None, Default::default())
            .await
            .expect("audit")
            .total,
        audit_before
    );
}

fn new_project() -> ProjectInput {
    ProjectInput {
        title: "Flood early-warning sensors <script>alert(1)</script>".into(),
        description: Some("Sensors along the canals".into()),
        focus_areas: vec!["quality_environment".into(), "safety_security".into()],
        stage: Some(Stage::Planning),
        budget: Some(Money {
            amount: 50_000_000,
            currency: "thb".into(),
        }),
        funding_gap: Some(Money {
            amount: 20_000_000,
            currency: "THB".into(),
        }),
        budget_confidential: true,
        support_sought: vec![Seek::Funding, Seek::Equipment],
        open_to_private_investment: true,
        viability_rationale: Some("Service fees from insurers".into()),
        deadline: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
        confidential_notes: Some("Talks with two firms".into()),
        milestones: vec![kota_domain::project::Milestone {
            title: "Pilot on one canal".into(),
            due_on: chrono::NaiveDate::from_ymd_opt(2027, 6, 30),
            done_on: None,
        }],
    }
}

#[tokio::test]
async fn a_city_creates_a_project_whose_confidential_fields_only_it_sees() {
    let app = TestApp::spawn().await;
    let officer = principal(
        Role::CityOfficer,
        Scope::City(city_id(&app, "bangkok").await),
    );
    let project = app
        .store
        .apply_edit(
            &officer,
            CreateProject {
                city: common::key("bangkok"),
                input: new_project(),
            },
            None,
        )
        .await
        .expect("created");
    assert_eq!(
        project.budget.as_ref().map(Money::readable).as_deref(),
        Some("THB 50,000,000")
    );
    assert_eq!(project.milestones.len(), 1);
    let own = app
        .store
        .project(&common::key(&project.slug), Some(&officer))
        .await
        .expect("query")
        .expect("project");
    assert_eq!(
        (
            own.budget.map(|m| m.amount),
            own.confidential_notes.as_deref()
        ),
        (Some(50_000_000), Some("Talks with two firms"))
    );
    let public = app
        .get_json(&format!("/api/v1/projects/{}", project.slug), 200)
        .await;
    assert!(
        public["budget"].is_null()
            && public["funding_gap"].is_null()
            && public["confidential_notes"].is_null(),
        "{public}"
    );
    assert_eq!(
        public["title"], "Flood early-warning sensors <script>alert(1)</script>",
        "stored as given"
    );
    let list = app
        .get_json("/api/v1/projects?city=bangkok&limit=500", 200)
        .await;
    let text = list.to_string();
    assert!(!text.contains("Talks with two firms") && !text.contains("50000000"));
    let html = app
        .get_html(&format!("/projects/{}", project.slug), 200)
        .await;
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "shown escaped"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("Talks with two firms"));
    let other = principal(
        Role::CityOfficer,
        Scope::City(city_id(&app, "jakarta").await),
    );
    let seen = app
        .store
        .project(&common::key(&project.slug), Some(&other))
        .await
        .expect("query")
        .expect("project");
    assert_eq!((seen.budget, seen.confidential_notes), (None, None));
}

#[tokio::test]
async fn project_edits_and_dated_stage_changes_raise_the_version() {
    let app = TestApp::spawn().await;
    let officer = principal(
        Role::CityOfficer,
        Scope::City(city_id(&app, "bangkok").await),
    );
    let project = app
        .store
        .apply_edit(
            &officer,
            CreateProject {
                city: common::key("bangkok"),
                input: new_project(),
            },
            None,
        )
        .await
        .expect("created");
    let edit = ProjectInput {
        title: "Flood sensors".into(),
        budget_confidential: false,
        ..new_project()
    };
    let edited = app
        .store
        .apply_edit(
            &officer,
            UpdateProject {
                project: common::key(&project.slug),
                input: edit.clone(),
            },
            Some(1),
        )
        .await
        .expect("edited");
    assert_eq!(
        (edited.version, edited.title.as_str()),
        (2, "Flood sensors")
    );
    let stale = app
        .store
        .apply_edit(
            &officer,
            UpdateProject {
                project: common::key(&project.slug),
                input: edit.clone(),
            },
            Some(1),
        )
        .await;
    assert!(matches!(stale, Err(WriteError::Stale { current: 2 })));
    let update = ProjectUpdateInput {
        on_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        stage: Some(Stage::Funding),
        progress: Some(10),
        note: "Feasibility study accepted".into(),
    };
    let moved = app
        .store
        .apply_edit(
            &officer,
            RecordProgress {
                project: common::key(&project.slug),
                input: update.clone(),
            },
            Some(2),
        )
        .await
        .expect("updated");
    assert_eq!((moved.stage, moved.version), (Some(Stage::Funding), 3));
    let history = app
        .store
        .project_updates(project.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].note, "Feasibility study accepted");
    let seeded = app
        .get_json("/api/v1/projects?city=jakarta&limit=1", 200)
        .await;
    let slug = seeded["items"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let forbidden = app
        .store
        .apply_edit(
            &officer,
            UpdateProject {
                project: common::key(&slug),
                input: edit.clone(),
            },
            None,
        )
        .await;
    assert!(matches!(forbidden, Err(WriteError::Forbidden)));
}

#[tokio::test]
async fn every_change_is_in_the_audit_log_with_before_and_after() {
    let app = TestApp::spawn().await;
    let who = principal(Role::Coordinator, Scope::Network);
    let city = app
        .store
        .apply_edit(
            &who,
            UpdateCityProfile {
                city: common::key("bangkok"),
                input: profile(),
            },
            Some(1),
        )
        .await
        .expect("edited");
    let page = app
        .store
        .audit_entries(Some(("city", &city.id.to_string())), Default::default())
        .await
        .expect("audit");
    assert_eq!(page.total, 1);
    let e = &page.items[0];
    assert_eq!(
        (e.actor.as_str(), e.action.as_str(), e.actor_id),
        ("Test Coordinator, coordinator", "update", Some(who.user_id))
    );
    assert_eq!(
        e.before.as_ref().and_then(|b| b["description"].as_str()),
        None
    );
    assert_eq!(
        e.after.as_ref().and_then(|a| a["description"].as_str()),
        Some("Gateway city of the Mekong")
    );
    let all = app
        .store
        .audit_entries(None, Default::default())
        .await
        .expect("audit");
    assert_eq!(
        all.items.last().map(|e| e.action.as_str()),
        Some("import"),
        "the seed import is the first entry"
    );
}
