//! `openapi.yaml` at the repository root is generated from the code; this fails when it drifts.
//! Regenerate with `just openapi` (or `UPDATE_OPENAPI=1 cargo test -p ttstats-api openapi`).

use std::path::PathBuf;

#[test]
fn openapi_yaml_matches_the_code() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi.yaml");
    let generated = ttstats_api::openapi::yaml().unwrap();
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date: run `just openapi` and commit the result"
    );
}

#[test]
fn every_operation_documents_its_error_answers() {
    let doc = serde_json::to_value(ttstats_api::openapi::document()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path} has no responses");
            if path.starts_with("/api/v1") {
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{method} {path} documents no 4xx answer"
                );
            }
        }
    }
}

#[test]
fn operation_ids_are_unique() {
    let doc = serde_json::to_value(ttstats_api::openapi::document()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                seen.insert(id.to_owned()),
                "{method} {path}: operationId {id} is taken"
            );
        }
    }
}
