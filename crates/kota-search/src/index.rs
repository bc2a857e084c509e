//! The index: its fields, how records go in and out, and how a query is answered.

use tantivy::collector::{Collector, Count, DocSetCollector, FacetCollector, TopDocs};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::PreTokenizedString;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::{Unit, tokens, units};
use crate::query::{Typos, build, mistyped};
use crate::snippet::{opening, snippet};
use crate::{Audience, Counts, Doc, Found, Hit, Kind, Query};

/// The index refused or failed an operation.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// The index's fields.
pub(crate) struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    slug: Field,
    url: Field,
    title: Field,
    names: Field,
    body: Field,
    pub(crate) title_exact: Field,
    pub(crate) title_folded: Field,
    pub(crate) title_grams: Field,
    pub(crate) body_exact: Field,
    pub(crate) body_folded: Field,
    pub(crate) body_grams: Field,
    pub(crate) facets: Field,
    pub(crate) audience: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut s = Schema::builder();
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            key: s.add_text_field("key", STRING),
            kind: s.add_text_field("kind", STRING | STORED),
            id: s.add_text_field("id", STORED),
            slug: s.add_text_field("slug", STORED),
            url: s.add_text_field("url", STORED),
            title: s.add_text_field("title", STORED),
            names: s.add_text_field("names", STORED),
            body: s.add_text_field("body", STORED),
            title_exact: s.add_text_field("title_exact", words.clone()),
            title_folded: s.add_text_field("title_folded", words.clone()),
            title_grams: s.add_text_field("title_grams", words.clone()),
            body_exact: s.add_text_field("body_exact", words.clone()),
            body_folded: s.add_text_field("body_folded", words.clone()),
            body_grams: s.add_text_field("body_grams", words),
            facets: s.add_facet_field("facets", FacetOptions::default()),
            audience: s.add_text_field("audience", STRING),
        };
        (s.build(), fields)
    }
}

/// Typos are forgiven when the words as typed find fewer records than this (a page).
const TYPOS_BELOW: usize = 10;

/// Bytes of memory the index writer gathers records in before it writes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// The key of a record in the index: its kind and id.
fn key(kind: Kind, id: &str) -> String {
    format!("{}:{id}", kind.as_str())
}

/// What changed since the index was built or last updated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Update {
    /// Every record of these kinds goes (those still there come back in `docs`).
    pub kinds: Vec<Kind>,
    /// These records go (those still there come back in `docs`).
    pub removed: Vec<(Kind, String)>,
    /// Records as they are now, replacing any earlier copy.
    pub docs: Vec<Doc>,
}

/// An index held in memory, built from the records and kept up to date by [`Update`]s.
pub struct SearchIndex {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
}

impl SearchIndex {
    /// An index of `docs`.
    pub fn build(docs: impl IntoIterator<Item = Doc>) -> Result<Self, SearchError> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        // Merged once, whole, at the end: a query pays for each segment it visits.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut this = Self {
            writer,
            reader,
            fields,
        };
        for doc in docs {
            this.add(&doc)?;
        }
        this.commit()?;
        this.merge_all()?;
        this.writer
            .set_merge_policy(Box::new(LogMergePolicy::default()));
        Ok(this)
    }

    /// Merges every segment into one.
    fn merge_all(&mut self) -> Result<(), SearchError> {
        let segments = self.writer.index().searchable_segment_ids()?;
        if segments.len() > 1 {
            self.writer.merge(&segments).wait()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Applies what changed, visible to the next search.
    pub fn apply(&mut self, update: Update) -> Result<(), SearchError> {
        for kind in &update.kinds {
            self.writer
                .delete_term(Term::from_field_text(self.fields.kind, kind.as_str()));
        }
        for (kind, id) in &update.removed {
            self.writer
                .delete_term(Term::from_field_text(self.fields.key, &key(*kind, id)));
        }
        for doc in &update.docs {
            self.writer.delete_term(Term::from_field_text(
                self.fields.key,
                &key(doc.kind, &doc.id),
            ));
            self.add(doc)?;
        }
        self.commit()
    }

    fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn add(&mut self, doc: &Doc) -> Result<(), SearchError> {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, key(doc.kind, &doc.id));
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.id, &doc.id);
        d.add_text(f.slug, &doc.slug);
        d.add_text(f.url, &doc.url);
        d.add_text(f.title, &doc.title);
        let names = doc.names.join("\n");
        let body = doc.body.join("\n");
        d.add_text(f.names, &names);
        d.add_text(f.body, &body);
        let title_text = if names.is_empty() {
            doc.title.clone()
        } else {
            format!("{}\n{names}", doc.title)
        };
        for (text, exact, folded, grams) in [
            (title_text, f.title_exact, f.title_folded, f.title_grams),
            (body, f.body_exact, f.body_folded, f.body_grams),
        ] {
            let t = tokens(&text);
            let pre = |tokens| PreTokenizedString {
                text: String::new(),
                tokens,
            };
            d.add_pre_tokenized_text(exact, pre(t.exact));
            d.add_pre_tokenized_text(folded, pre(t.folded));
            d.add_pre_tokenized_text(grams, pre(t.grams));
        }
        d.add_facet(f.facets, Facet::from_path(["type", doc.kind.as_str()]));
        if let Some(country) = &doc.country {
            d.add_facet(f.facets, Facet::from_path(["country", country.as_str()]));
        }
        for area in &doc.focus_areas {
            d.add_facet(f.facets, Facet::from_path(["focus_area", area.as_str()]));
        }
        for year in &doc.years {
            d.add_facet(f.facets, Facet::from_path(["year", &year.to_string()]));
        }
        d.add_text(f.audience, doc.visibility.as_str());
        self.writer.add_document(d)?;
        Ok(())
    }

    /// The records `asked` finds that its viewer may see: the best first, with how many there
    /// are in all and in each value of each facet.
    pub fn search(&self, asked: &Query) -> Result<Found, SearchError> {
        let units = units(&asked.text);
        if units.is_empty() {
            return Ok(Found::default());
        }
        let searcher = self.reader.searcher();
        let mut facets = FacetCollector::for_field("facets");
        for name in ["type", "country", "focus_area", "year"] {
            facets.add_facet(Facet::from_path([name]));
        }
        // Counted without scores, then ranked apart: the ranking need not score every record.
        let (query, (total, counts)) =
            self.first_enough(&searcher, &units, asked, &(Count, facets), |f| f.0)?;
        let top = TopDocs::with_limit(asked.limit.max(1))
            .and_offset(asked.offset)
            .order_by_score();
        let best = searcher.search(&query, &top)?;
        let mut hits = Vec::with_capacity(best.len());
        for (score, address) in best.into_iter().take(asked.limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, score, &units));
        }
        let count = |name: &str| -> Counts {
            let mut c: Counts = counts
                .get(Facet::from_path([name]))
                .filter_map(|(facet, n)| facet.to_path().last().map(|v| ((*v).to_owned(), n)))
                .collect();
            c.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            c
        };
        Ok(Found {
            hits,
            total: total as u64,
            kinds: count("type"),
            countries: count("country"),
            focus_areas: count("focus_area"),
            years: count("year"),
        })
    }

    /// The ids of every record of `kind` that `text` finds and `audience` may see, in no
    /// particular order; none when `text` has no word.
    pub fn matching(
        &self,
        text: &str,
        kind: Kind,
        audience: Audience,
    ) -> Result<Vec<String>, SearchError> {
        let units = units(text);
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let asked = Query {
            text: text.to_owned(),
            kind: Some(kind),
            country: None,
            focus_area: None,
            year: None,
            audience,
            limit: 0,
            offset: 0,
        };
        let searcher = self.reader.searcher();
        let (_, found) =
            self.first_enough(&searcher, &units, &asked, &DocSetCollector, |f| f.len())?;
        let mut ids = Vec::with_capacity(found.len());
        for address in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            ids.push(stored(&doc, self.fields.id));
        }
        Ok(ids)
    }

    /// What `collector` gathers for `units` as typed or, when they find fewer than
    /// [`TYPOS_BELOW`] records (as `found` counts them) and a long word is no record's, with
    /// typos forgiven; and the query that gathered it.
    fn first_enough<C: Collector>(
        &self,
        searcher: &Searcher,
        units: &[Unit],
        asked: &Query,
        collector: &C,
        found: impl Fn(&C::Fruit) -> usize,
    ) -> Result<(Box<dyn tantivy::query::Query>, C::Fruit), SearchError> {
        let exact = build(&self.fields, searcher, units, asked, Typos::Exact)?;
        let fruit = searcher.search(&exact, collector)?;
        if found(&fruit) >= TYPOS_BELOW || !mistyped(&self.fields, searcher, units)? {
            return Ok((exact, fruit));
        }
        let forgiving = build(&self.fields, searcher, units, asked, Typos::Forgiven)?;
        let fruit = searcher.search(&forgiving, collector)?;
        Ok((forgiving, fruit))
    }

    /// How many records the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, units: &[Unit]) -> Hit {
        let f = &self.fields;
        let title = stored(doc, f.title);
        let body = stored(doc, f.body);
        let names = stored(doc, f.names);
        let snippet = snippet(&body, units)
            .or_else(|| snippet(&names, units))
            .or_else(|| snippet(&title, units))
            .unwrap_or_else(|| opening(&body));
        Hit {
            kind: Kind::parse(&stored(doc, f.kind)).unwrap_or(Kind::City),
            id: stored(doc, f.id),
            slug: stored(doc, f.slug),
            title,
            url: stored(doc, f.url),
            snippet,
            score,
        }
    }
}

fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
