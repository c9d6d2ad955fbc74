//! The `LanguageServer` implementation: document sync, debounced diagnostics, and one
//! handler per feature, each running the analyzer's plain function on a snapshot off the
//! async executor.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rhythm_analyzer::ide;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::document::{Change, Document};
use crate::line_index::{Encoding, Pos};
use crate::state::{Failure, Snapshot, State, guarded};

/// The Rhythm language server.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    state: Arc<State>,
    /// One diagnostics worker per open document, woken through its channel.
    workers: Mutex<HashMap<Uri, watch::Sender<()>>>,
}

impl Backend {
    /// A server that talks to `client`.
    pub fn new(client: Client, state: State) -> Self {
        Backend {
            client,
            state: Arc::new(state),
            workers: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `feature` on a snapshot of `uri` on the blocking pool; a panic answers an error.
    async fn run<T, F>(&self, uri: &Uri, what: &'static str, feature: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    {
        let snapshot = self.state.snapshot(uri).await.map_err(failure)?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        guarded(what, move || feature(&snapshot))
            .await
            .map_err(failure)
    }

    fn wake(&self, uri: &Uri) {
        let workers = self.workers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = workers.get(uri) {
            tx.send_replace(());
        }
    }
}

fn failure(f: Failure) -> Error {
    match f {
        Failure::Panicked(message) => Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: message.into(),
            data: None,
        },
        Failure::Cancelled => Error::request_cancelled(),
    }
}

/// Publishes the diagnostics of `uri` whenever it changes: at once after a quiet period,
/// then at most once per debounce window (changes in between are coalesced).
async fn diagnostics_loop(
    client: Client,
    state: Arc<State>,
    uri: Uri,
    mut rx: watch::Receiver<()>,
) {
    while rx.changed().await.is_ok() {
        match state.snapshot(&uri).await {
            Ok(Some(snap)) => {
                if state.version(&uri) == Some(snap.version) {
                    let diagnostics = snap
                        .analysis
                        .diagnostics
                        .iter()
                        .map(|d| snap.diagnostic(&uri, d))
                        .collect();
                    client
                        .publish_diagnostics(uri.clone(), diagnostics, Some(snap.version))
                        .await;
                }
            }
            Ok(None) => break,
            Err(_) => {} // already logged; the next change tries again
        }
        tokio::time::sleep(state.config.debounce).await;
    }
}

fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF32) => Encoding::Utf32,
        _ => Encoding::Utf16,
    }
}

#[allow(deprecated)] // `root_uri` is the fallback when the client sends no workspace folders.
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())?;
    uri.to_file_path().map(|p| p.into_owned())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate(&params);
        *self
            .state
            .encoding
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(encoding);
        self.state.set_root(workspace_root(&params).as_deref());
        tracing::info!("initialized with {encoding:?} positions");
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "rhythm-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(match encoding {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                    Encoding::Utf32 => PositionEncodingKind::UTF32,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), "\"".into(), "'".into()]),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".into(), ",".into()]),
                    ..SignatureHelpOptions::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: convert::legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: Some(false),
                            ..SemanticTokensOptions::default()
                        },
                    ),
                ),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.workers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.state
            .docs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(doc.uri.clone(), Document::new(doc.text, doc.version));
        let (tx, rx) = watch::channel(());
        tx.send_replace(());
        let old = self
            .workers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(doc.uri.clone(), tx);
        drop(old);
        tokio::spawn(diagnostics_loop(
            self.client.clone(),
            self.state.clone(),
            doc.uri,
            rx,
        ));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // The document is updated before any `.await`, so requests that follow see the edit.
        let uri = params.text_document.uri;
        let encoding = self.state.encoding();
        {
            let mut docs = self
                .state
                .docs
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let Some(doc) = docs.get_mut(&uri) else {
                tracing::warn!("change to a document that is not open: {}", uri.as_str());
                return;
            };
            let changes = params
                .content_changes
                .into_iter()
                .map(|c| Change {
                    range: c.range.map(|r| {
                        (
                            Pos {
                                line: r.start.line,
                                col: r.start.character,
                            },
                            Pos {
                                line: r.end.line,
                                col: r.end.character,
                            },
                        )
                    }),
                    text: c.text,
                })
                .collect();
            doc.apply(changes, params.text_document.version, encoding);
        }
        self.wake(&uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state
            .docs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&uri);
        self.workers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        self.run(&at.text_document.uri, "completion", move |s| {
            let offset = s.offset(at.position);
            let items = ide::completion::completions(&s.analysis, offset, s.manifest.as_deref());
            Some(CompletionResponse::Array(
                items.into_iter().map(|i| s.completion(i)).collect(),
            ))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.run(&at.text_document.uri, "hover", move |s| {
            let offset = s.offset(at.position);
            let h = ide::hover::hover(&s.analysis, offset, s.manifest.as_deref())?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(s.range(h.range)),
            })
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        self.run(&at.text_document.uri, "signature help", move |s| {
            let offset = s.offset(at.position);
            let sig = ide::signature_help::signature_help(&s.analysis, offset)?;
            let active = sig.active.map(|a| a as u32);
            Some(SignatureHelp {
                signatures: vec![SignatureInformation {
                    label: sig.label,
                    documentation: sig.documentation.map(convert::markdown_doc),
                    parameters: Some(
                        sig.params
                            .into_iter()
                            .map(|p| ParameterInformation {
                                label: ParameterLabel::Simple(p.label),
                                documentation: None,
                            })
                            .collect(),
                    ),
                    active_parameter: active,
                }],
                active_signature: Some(0),
                active_parameter: active,
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        self.run(&at.text_document.uri, "definition", move |s| {
            let target = ide::navigation::definition(&s.analysis, s.offset(at.position))?;
            Some(GotoDefinitionResponse::Scalar(Location::new(
                uri,
                s.range(target),
            )))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let include = params.context.include_declaration;
        self.run(&at.text_document.uri, "references", move |s| {
            let refs = ide::navigation::references(&s.analysis, s.offset(at.position), include);
            Some(
                refs.into_iter()
                    .map(|r| Location::new(uri.clone(), s.range(r)))
                    .collect(),
            )
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.run(&at.text_document.uri, "highlight", move |s| {
            let hs = ide::navigation::highlights(&s.analysis, s.offset(at.position));
            Some(
                hs.into_iter()
                    .map(|(r, access)| DocumentHighlight {
                        range: s.range(r),
                        kind: Some(match access {
                            ide::navigation::Access::Read => DocumentHighlightKind::READ,
                            ide::navigation::Access::Write => DocumentHighlightKind::WRITE,
                        }),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let result = self
            .run(&params.text_document.uri, "prepare rename", move |s| {
                Some(
                    ide::rename::prepare_rename(&s.analysis, s.offset(params.position))
                        .map(|r| s.range(r)),
                )
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(range)) => Ok(Some(PrepareRenameResponse::Range(range))),
            Some(Err(e)) => Err(Error::invalid_params(e.0)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let new_name = params.new_name;
        let result = self
            .run(&at.text_document.uri, "rename", move |s| {
                Some(
                    ide::rename::rename(&s.analysis, s.offset(at.position), &new_name)
                        .map(|edits| edits.iter().map(|e| s.edit(e)).collect::<Vec<_>>()),
                )
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(edits)) => Ok(Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri, edits)])),
                ..WorkspaceEdit::default()
            })),
            Some(Err(e)) => Err(Error::invalid_params(e.0)),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.run(&params.text_document.uri, "document symbols", move |s| {
            let symbols = ide::symbols::document_symbols(&s.analysis);
            Some(DocumentSymbolResponse::Nested(
                symbols.into_iter().map(|d| s.symbol(d)).collect(),
            ))
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.run(&params.text_document.uri, "semantic tokens", move |s| {
            let tokens = ide::semantic_tokens::semantic_tokens(&s.analysis);
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: s.semantic_tokens(&tokens),
            }))
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.run(&params.text_document.uri, "folding", move |s| {
            let folds = ide::folding::folding_ranges(&s.analysis);
            Some(folds.into_iter().filter_map(|f| s.fold(f)).collect())
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.run(&params.text_document.uri, "code actions", move |s| {
            let range = s.text_range(params.range);
            let actions = ide::code_actions::code_actions(&s.analysis, range);
            Some(
                actions
                    .into_iter()
                    .map(|a| {
                        CodeActionOrCommand::CodeAction(CodeAction {
                            title: a.fix.title.clone(),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![s.diagnostic(&uri, a.diagnostic)]),
                            edit: Some(WorkspaceEdit {
                                changes: Some(HashMap::from([(
                                    uri.clone(),
                                    a.fix.edits.iter().map(|e| s.edit(e)).collect(),
                                )])),
                                ..WorkspaceEdit::default()
                            }),
                            is_preferred: Some(a.preferred),
                            ..CodeAction::default()
                        })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let result = self
            .run(&uri, "formatting", move |s| {
                let options = rhythm_fmt::Options {
                    indent: params.options.tab_size.clamp(1, 16) as usize,
                    ..rhythm_fmt::Options::default()
                };
                Some(
                    rhythm_fmt::format(&s.text, &options)
                        .map(|formatted| crate::format::minimal_edit(&s.text, &formatted))
                        .map(|edit| edit.map(|e| s.edit(&e))),
                )
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit.into_iter().collect())),
            // A file with syntax errors is left alone, as formatters in editors do.
            Some(Err(rhythm_fmt::FormatError::Syntax(_))) => Ok(None),
            Some(Err(e)) => Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                message: e.to_string().into(),
                data: None,
            }),
        }
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.run(&params.text_document.uri, "inlay hints", move |s| {
            let range = s.text_range(params.range);
            let hints = ide::inlay_hints::inlay_hints(&s.analysis, range);
            Some(
                hints
                    .into_iter()
                    .map(|h| InlayHint {
                        position: s.position(h.offset),
                        label: InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }
}
