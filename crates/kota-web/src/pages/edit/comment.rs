//! The planning-input form: a comment on a project in an early stage, or the city's answer to
//! one (the project page shows it inline, with the comment it answers carried unseen).

use kota_domain::access::Principal;
use kota_domain::comment::Comment;
use kota_domain::edit::{Code, CommentInput, FieldError};
use kota_domain::ids::Key;
use kota_domain::project::Project;
use kota_store::records::comment::PostComment;
use uuid::Uuid;

use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// `/projects/{key}/comments`: a comment, or an answer to the comment `in_reply_to` names.
pub(crate) struct CommentForm;

impl EditForm for CommentForm {
    type Edit = PostComment;
    type Choices = ();
    type Input = CommentInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Project, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no project named"))?;
        s.store
            .project(key, Some(who))
            .await?
            .ok_or_else(|| Problem::not_found("project", key).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields(_: &(), f: &mut Fields<'_>) {
        f.input("text", "Your comment", Kind::TextArea)
            .required()
            .help("Up to 5,000 characters: what you did elsewhere, what to size or avoid.");
        f.input("in_reply_to", "Answering", Kind::Hidden);
    }

    fn spec<'a>(p: &Project, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        FormSpec {
            title: format!("Comment on {}", p.title),
            section: "projects",
            action: format!("/projects/{}/comments", p.slug),
            intro: Some(
                "Planning input: the city sees your comment on the project's page and answers \
                 it there. Everyone who reads the project reads the thread."
                    .into(),
            ),
            back_href: format!("/projects/{}#comments", p.slug),
            back_label: p.title.clone(),
            submit: "Post the comment",
            build,
        }
    }

    fn values(_: &Project) -> FormValues {
        FormValues::default()
    }

    fn input(_: &(), v: &FormValues) -> (CommentInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let in_reply_to = v.opt("in_reply_to").and_then(|id| {
            Uuid::parse_str(&id)
                .map_err(|_| {
                    errors.push(FieldError::new(
                        "in_reply_to",
                        Code::UnknownRecord,
                        "The comment answered is not one of this project's",
                    ))
                })
                .ok()
        });
        let input = CommentInput {
            text: v.text("text").to_owned(),
            in_reply_to,
        };
        (input, errors)
    }

    fn edit(p: &Project, input: CommentInput) -> PostComment {
        PostComment {
            project: Key::Id(p.id),
            input,
        }
    }

    fn done(p: &Project, c: &Comment) -> String {
        format!("/projects/{}#comment-{}", p.slug, c.id)
    }
}
