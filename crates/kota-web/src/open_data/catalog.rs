//! The catalogue of the datasets Kota publishes, in the words of W3C's Data Catalog
//! Vocabulary (DCAT 3) as JSON-LD: each dataset with its title, description, licence, the page
//! it mirrors, and its distributions (CSV, GeoJSON, iCalendar, the API's JSON), each with its
//! address and media type. Addresses are paths on the site that serves the catalogue.

use serde::Serialize;
use utoipa::ToSchema;

/// The licence of the published data: Creative Commons Attribution 4.0, the licence of the
/// GeoNames figures the city data carries; cite the network's documents each record names.
pub(crate) const LICENCE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The JSON-LD context: the prefixes the keys use.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Context {
    /// `http://www.w3.org/ns/dcat#`
    dcat: &'static str,
    /// `http://purl.org/dc/terms/`
    dct: &'static str,
}

/// The catalogue (`dcat:Catalog`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Catalog {
    #[serde(rename = "@context")]
    context: Context,
    /// `dcat:Catalog`
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "dct:title")]
    title: &'static str,
    #[serde(rename = "dct:description")]
    description: &'static str,
    /// The licence of every dataset unless the dataset says otherwise.
    #[serde(rename = "dct:license")]
    license: &'static str,
    /// The datasets.
    #[serde(rename = "dcat:dataset")]
    datasets: Vec<Dataset>,
    /// The JSON API the JSON distributions come from.
    #[serde(rename = "dcat:service")]
    service: DataService,
}

/// One dataset (`dcat:Dataset`): a list the site shows.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Dataset {
    /// `dcat:Dataset`
    #[serde(rename = "@type")]
    kind: &'static str,
    /// A short name that stays (`cities`).
    #[serde(rename = "dct:identifier")]
    pub(crate) identifier: &'static str,
    #[serde(rename = "dct:title")]
    pub(crate) title: &'static str,
    #[serde(rename = "dct:description")]
    description: &'static str,
    #[serde(rename = "dct:license")]
    license: &'static str,
    /// The page the dataset mirrors.
    #[serde(rename = "dcat:landingPage")]
    pub(crate) landing_page: &'static str,
    /// Its forms.
    #[serde(rename = "dcat:distribution")]
    pub(crate) distributions: Vec<Distribution>,
}

/// One form of a dataset (`dcat:Distribution`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Distribution {
    /// `dcat:Distribution`
    #[serde(rename = "@type")]
    kind: &'static str,
    /// The format's name: `CSV`, `GeoJSON`, `iCalendar`, `JSON`.
    #[serde(rename = "dct:format")]
    format: &'static str,
    /// Its media type.
    #[serde(rename = "dcat:mediaType")]
    media_type: &'static str,
    /// Where it is read.
    #[serde(rename = "dcat:accessURL")]
    pub(crate) access_url: &'static str,
    /// Where the whole file is downloaded (files only; the API's lists come in pages).
    #[serde(rename = "dcat:downloadURL", skip_serializing_if = "Option::is_none")]
    pub(crate) download_url: Option<&'static str>,
}

/// The API (`dcat:DataService`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DataService {
    /// `dcat:DataService`
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "dcat:endpointURL")]
    endpoint_url: &'static str,
    /// Its OpenAPI document.
    #[serde(rename = "dcat:endpointDescription")]
    endpoint_description: &'static str,
}

/// A distribution of `format` (`CSV`, `GeoJSON`, `iCalendar`, `JSON`) at `address`.
fn form(format: &'static str, address: &'static str) -> Distribution {
    let (media_type, file) = match format {
        "CSV" => ("text/csv", true),
        "GeoJSON" => ("application/geo+json", true),
        "iCalendar" => ("text/calendar", true),
        _ => ("application/json", false),
    };
    Distribution {
        kind: "dcat:Distribution",
        format,
        media_type,
        access_url: address,
        download_url: file.then_some(address),
    }
}

fn dataset(
    identifier: &'static str,
    title: &'static str,
    description: &'static str,
    landing_page: &'static str,
    distributions: Vec<Distribution>,
) -> Dataset {
    Dataset {
        kind: "dcat:Dataset",
        identifier,
        title,
        description,
        license: LICENCE,
        landing_page,
        distributions,
    }
}

/// The catalogue as published.
pub(crate) fn catalog() -> Catalog {
    Catalog {
        context: Context {
            dcat: "http://www.w3.org/ns/dcat#",
            dct: "http://purl.org/dc/terms/",
        },
        kind: "dcat:Catalog",
        title: "Open data of the network",
        description: "The network's member states, cities, projects, partners, events, \
                      twinnings and chairs as the site shows them, each list as CSV (with \
                      the list's filters: add them to the address) and through the JSON API.",
        license: LICENCE,
        datasets: vec![
            dataset(
                "cities",
                "Member cities",
                "Each member city with its member state, coordinates (WGS 84), population \
                 and its source year, cohort and roles.",
                "/cities",
                vec![
                    form("CSV", "/cities.csv"),
                    form("GeoJSON", "/api/v1/cities.geojson"),
                    form("JSON", "/api/v1/cities"),
                ],
            ),
            dataset(
                "member-states",
                "Member states",
                "The member states with their income group and the number of their cities \
                 in the network.",
                "/member-states",
                vec![
                    form("CSV", "/member-states.csv"),
                    form("JSON", "/api/v1/member-states"),
                ],
            ),
            dataset(
                "projects",
                "Projects",
                "The cities' smart city projects: focus areas, stage, status as the \
                 monitoring reports give it, support sought and amounts that are not \
                 confidential.",
                "/projects",
                vec![
                    form("CSV", "/projects.csv"),
                    form("JSON", "/api/v1/projects"),
                ],
            ),
            dataset(
                "partners",
                "External partners",
                "The network's external partners and programmes with their kind, home, \
                 focus areas and the cities they work with.",
                "/partners",
                vec![
                    form("CSV", "/partners.csv"),
                    form("JSON", "/api/v1/partners"),
                ],
            ),
            dataset(
                "events",
                "Events",
                "The network's meetings, workshops and brokerage sessions with their times \
                 in each place's time zone.",
                "/events",
                vec![
                    form("CSV", "/events.csv"),
                    form("iCalendar", "/events.ics"),
                    form("JSON", "/api/v1/events"),
                ],
            ),
            dataset(
                "twinnings",
                "Twinnings",
                "Partnerships of external partners with member cities, with their state \
                 and last activity (proposals only for their two sides).",
                "/twinnings",
                vec![
                    form("CSV", "/twinnings.csv"),
                    form("JSON", "/api/v1/twinnings"),
                ],
            ),
            dataset(
                "chairmanship",
                "Chairmanship",
                "Who chaired the network, by year.",
                "/chairmanship",
                vec![
                    form("CSV", "/chairmanship.csv"),
                    form("JSON", "/api/v1/chairmanship"),
                ],
            ),
            dataset(
                "framework",
                "ASEAN Smart Cities Framework",
                "The framework's strategic outcomes, focus areas, urban systems and \
                 enablers that cities, projects and partners are tagged against.",
                "/framework",
                vec![form("JSON", "/api/v1/framework")],
            ),
        ],
        service: DataService {
            kind: "dcat:DataService",
            endpoint_url: "/api/v1",
            endpoint_description: "/api/v1/openapi.json",
        },
    }
}
