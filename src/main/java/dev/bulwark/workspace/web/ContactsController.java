package dev.bulwark.workspace.web;

import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.TextRules;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.internal.Contacts;
import dev.bulwark.workspace.internal.Contacts.Contact;
import dev.bulwark.workspace.internal.Contacts.ContactData;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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

/**
 * Contacts (docs/api.md, Workspace); {@code ?email=} finds every contact with that address, whatever its case.
 * Reading needs READ_WORKSPACE; writing WRITE_WORKSPACE. Name, email, phone and notes are plain text.
 */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/contacts")
class ContactsController {

    private static final String EMAIL_MESSAGE = "must be a valid email address";
    private static final String PHONE_MESSAGE = "must be an E.164 number: + and 8 to 15 digits";

    record NewContact(
            @NotBlank @CodePointLength(max = 200) String name,
            @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = EMAIL_MESSAGE) String email,
            @Pattern(regexp = TextRules.PHONE, message = PHONE_MESSAGE) String phone,
            @CodePointLength(max = 10_000) String notes) {
    }

    static final class ContactPatch extends PatchBody {
        @Pattern(regexp = Workspace.NOT_BLANK, message = "must not be blank") @CodePointLength(min = 1, max = 200)
        private String name;
        @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = EMAIL_MESSAGE)
        private String email;
        @Pattern(regexp = TextRules.PHONE, message = PHONE_MESSAGE)
        private String phone;
        @CodePointLength(max = 10_000)
        private String notes;

        public void setName(String name) {
            this.name = name;
            mark("name");
        }

        public void setEmail(String email) {
            this.email = email;
            mark("email");
        }

        public void setPhone(String phone) {
            this.phone = phone;
            mark("phone");
        }

        public void setNotes(String notes) {
            this.notes = notes;
            mark("notes");
        }
    }

    private final Contacts contacts;

    ContactsController(Contacts contacts) {
        this.contacts = contacts;
    }

    @Operation(summary = "Create a contact", operationId = "workspace.createContact")
    @PostMapping
    @Audited(AuditType.CONTACT_CREATED)
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Contact> create(Caller caller, @Valid @RequestBody NewContact body) {
        Contact contact = contacts.create(caller, new ContactData(body.name(), body.email(), body.phone(), body.notes()));
        return Responses.created(contact, contact.id());
    }

    @Operation(summary = "The organisation's contacts, or those with one email address", operationId = "workspace.listContacts")
    @GetMapping
    @Requires(Permission.READ_WORKSPACE)
    Page<Contact> list(Caller caller, @RequestParam(required = false) String email,
                       @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        return email == null ? contacts.list(caller, page) : contacts.findByEmail(caller, Workspace.emailQuery(email), page);
    }

    @Operation(summary = "Read a contact", operationId = "workspace.getContact")
    @GetMapping("/{contactId}")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<Contact> get(Caller caller, @PathVariable UUID contactId, WebRequest request) {
        Contact contact = contacts.get(caller, contactId);
        return Responses.read(request, contact, contact.version());
    }

    @Operation(summary = "Change a contact", operationId = "workspace.updateContact")
    @PatchMapping(value = "/{contactId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.CONTACT_UPDATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Contact> update(Caller caller, @PathVariable UUID contactId,
                                   @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                   @Valid @RequestBody ContactPatch body) {
        Contact contact = contacts.update(caller, contactId, IfMatch.of(ifMatch), body.required("name", body.name),
                body.optional("email", body.email), body.optional("phone", body.phone), body.optional("notes", body.notes));
        return Responses.written(contact, contact.version());
    }

    @Operation(summary = "Delete a contact", operationId = "workspace.deleteContact")
    @DeleteMapping("/{contactId}")
    @Audited(AuditType.CONTACT_DELETED)
    @Requires(Permission.WRITE_WORKSPACE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID contactId,
                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        contacts.delete(caller, contactId, IfMatch.of(ifMatch));
    }
}
