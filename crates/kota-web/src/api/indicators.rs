//! City indicators over time: read a city's series, and record values (one, or a batch) that
//! the city's officers, its national representative or coordinators report.

use std::fmt;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use kota_domain::city::CityRef;
use kota_domain::edit::{FieldError, IndicatorInput, IndicatorRow, row_of};
use kota_domain::indicator::{IndicatorSeries, IndicatorUpload};
use kota_store::records::indicator::{RecordIndicators, Recorded};
use kota_store::{EditRequest, Edited, WriteError};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::body::JsonBody;
use super::write_support::CreateProblems;
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};

/// A city's indicators.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CityIndicators {
    /// The city.
    city: CityRef,
    /// Each indicator with its values by year and its targets, by code.
    items: Vec<IndicatorSeries>,
}

/// A city's indicators: each with its values by year (value, source, verification,
/// version) and its targets.
#[utoipa::path(get, path = "/api/v1/cities/{id}/indicators", tag = "indicators",
    params(("id" = String, Path, description = "The city's UUID or slug")),
    responses(
        (status = 200, description = "The city's indicators", body = CityIndicators),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_indicators(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> Result<Json<CityIndicators>, Problem> {
    let (city, items) = s
        .store
        .city_indicators(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("city", &key))?;
    Ok(Json(CityIndicators {
        city: CityRef::from(&city),
        items,
    }))
}

/// One indicator value, or a list of them.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum IndicatorBody {
    /// One value.
    One(IndicatorInput),
    /// A batch, recorded together or not at all.
    Many(Vec<IndicatorInput>),
}

impl<'de> Deserialize<'de> for IndicatorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = IndicatorBody;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an indicator value or a list of them")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<IndicatorBody, A::Error> {
                IndicatorInput::deserialize(MapAccessDeserializer::new(map)).map(IndicatorBody::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<IndicatorBody, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(IndicatorBody::Many)
            }
        }
        d.deserialize_any(Either)
    }
}

impl PartialSchema for IndicatorBody {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name("IndicatorInput"))
            .item(ArrayBuilder::new().items(Ref::from_schema_name("IndicatorInput")))
            .description(Some("One indicator value, or a list of them"))
            .into()
    }
}

impl ToSchema for IndicatorBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((IndicatorInput::name().into(), IndicatorInput::schema()));
        <IndicatorInput as ToSchema>::schemas(schemas);
    }
}

/// Records indicator values of a city: one value, or a list recorded together or not at all.
/// A value is keyed by city, code and year: sending a key again updates its value (a new
/// version). The city's officers and national representative, and coordinators, record;
/// only coordinators mark values `verified`. 201 with what was recorded; 200 when every
/// value was recorded just so already (nothing is written). Field errors name the value:
/// `year` for one, `[2].year` in a list.
#[utoipa::path(post, path = "/api/v1/cities/{id}/indicators", tag = "indicators",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = IndicatorBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "What was recorded: how many values were new, changed and unchanged, and the new and changed ones", body = IndicatorUpload),
        (status = 200, description = "Every value was recorded just so already: nothing was written", body = IndicatorUpload),
        CreateProblems
    ))]
pub(crate) async fn post_indicators(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(city): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(body): JsonBody<IndicatorBody>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &body);
    let (inputs, one) = match body {
        IndicatorBody::One(input) => (vec![input], true),
        IndicatorBody::Many(inputs) => (inputs, false),
    };
    let rows = inputs
        .into_iter()
        .map(|input| IndicatorRow {
            city: city.clone(),
            input,
        })
        .collect();
    let edit = RecordIndicators {
        city: Some(city),
        rows,
    };
    let recorded = s
        .store
        .record_indicators(EditRequest::new(&who, edit).idempotent(key))
        .await;
    Ok(match recorded {
        Ok(Recorded::Unchanged(upload)) => (StatusCode::OK, Json(upload)).into_response(),
        Ok(Recorded::Written(Edited::Done(upload))) => {
            (StatusCode::CREATED, Json(upload)).into_response()
        }
        Ok(Recorded::Written(Edited::Replayed(answer))) => {
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        Err(WriteError::Invalid(errors)) if one => {
            return Err(Problem::invalid(errors.into_iter().map(unlisted).collect()));
        }
        Err(e) => return Err(e.into()),
    })
}

/// The error of the one value sent, named as its own field (`year`, not `[0].year`).
fn unlisted(e: FieldError) -> FieldError {
    match row_of(&e.field) {
        Some((_, field)) => FieldError {
            field: field.to_owned(),
            ..e
        },
        None => e,
    }
}
