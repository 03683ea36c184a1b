package dev.bulwark.workspace.web;

import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.internal.Projects;
import dev.bulwark.workspace.internal.Projects.Project;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/** Projects (docs/api.md, Workspace). Reading needs READ_WORKSPACE; writing WRITE_WORKSPACE. */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/projects")
class ProjectsController {

    record NewProject(
            @NotBlank @CodePointLength(max = 200) String name,
            @CodePointLength(max = 10_000) String description) {
    }

    static final class ProjectPatch extends PatchBody {
        @Pattern(regexp = Workspace.NOT_BLANK, message = "must not be blank") @CodePointLength(min = 1, max = 200)
        private String name;
        @CodePointLength(max = 10_000)
        private String description;

        public void setName(String name) {
            this.name = name;
            mark("name");
        }

        public void setDescription(String description) {
            this.description = description;
            mark("description");
        }
    }

    private final Projects projects;

    ProjectsController(Projects projects) {
        this.projects = projects;
    }

    @Operation(summary = "Create a project", operationId = "workspace.createProject")
    @PostMapping
    @Audited(AuditType.PROJECT_CREATED)
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Project> create(Caller caller, @Valid @RequestBody NewProject body) {
        Project project = projects.create(caller, body.name(), body.description());
        return Responses.created(project, project.id());
    }

    @Operation(summary = "The organisation's projects", operationId = "workspace.listProjects")
    @GetMapping
    @Requires(Permission.READ_WORKSPACE)
    Page<Project> list(Caller caller, @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return projects.list(caller, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Read a project", operationId = "workspace.getProject")
    @GetMapping("/{projectId}")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<Project> get(Caller caller, @PathVariable UUID projectId, WebRequest request) {
        Project project = projects.get(caller, projectId);
        return Responses.read(request, project, project.version());
    }

    @Operation(summary = "Change a project", operationId = "workspace.updateProject")
    @PatchMapping(value = "/{projectId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.PROJECT_UPDATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Project> update(Caller caller, @PathVariable UUID projectId,
                                   @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                   @Valid @RequestBody ProjectPatch body) {
        Project project = projects.update(caller, projectId, IfMatch.of(ifMatch), body.required("name", body.name),
                body.optional("description", body.description));
        return Responses.written(project, project.version());
    }

    @Operation(summary = "Delete a project", operationId = "workspace.deleteProject")
    @DeleteMapping("/{projectId}")
    @Audited(AuditType.PROJECT_DELETED)
    @Requires(Permission.WRITE_WORKSPACE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID projectId,
                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        projects.delete(caller, projectId, IfMatch.of(ifMatch));
    }
}
