package dev.bulwark.workspace;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the workspace (docs/workspace.md), parents before children: all of them tenant tables, exported in this
 * order and deleted in the reverse when their organisation is purged.
 */
@Component
public final class WorkspaceTables extends ModuleTables {

    public WorkspaceTables() {
        super("workspace", Set.of(),
                Table.tenant("projects").deletedOnPurge()
                        .exported("projects", "created_at, id", true, "id", "name", "description", "version", "created_at", "updated_at"),
                Table.tenant("documents").deletedOnPurge()
                        .sealed("id", "document", List.of("body"), List.of("body"))
                        .exported("documents", "created_at, id", true, "id", "project_id", "title", "status", "origin",
                                "ai_completion_id", "version", "created_at", "updated_at"),
                Table.tenant("document_versions").deletedOnPurge()
                        .sealed("document_id, version", "document", List.of("body"), List.of("body"))
                        .exported("document_versions", "document_id, version", true, "document_id", "version", "title", "created_at"),
                Table.tenant("contacts").deletedOnPurge()
                        .sealed("id", "contact", List.of("name", "email", "phone", "notes"), List.of("name", "email", "phone", "notes"))
                        .exported("contacts", "created_at, id", true, "id", "version", "created_at", "updated_at"),
                Table.tenant("interactions").deletedOnPurge()
                        .sealed("id", "interaction", List.of("subject", "body"), List.of("subject", "body"))
                        .exported("interactions", "created_at, id", true, "id", "contact_id", "channel", "occurred_at", "version",
                                "created_at", "updated_at"));
    }
}
