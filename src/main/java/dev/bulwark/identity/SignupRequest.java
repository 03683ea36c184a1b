package dev.bulwark.identity;

import dev.bulwark.shared.TextRules;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new account (docs/api.md): with {@code organisationName} it creates that organisation with the user as OWNER;
 * with {@code invitationToken} instead it joins the inviting organisation. Exactly one of the two.
 * The password's own rules live in PasswordPolicy.
 */
public record SignupRequest(
        @NotBlank @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = "must be a valid email address")
        String email,
        @NotNull @Schema(minLength = 12, maxLength = 128,
                description = "12 to 128 characters, and not weak or common (checked by the password policy).") String password,
        @NotBlank @Size(max = 200) String name,
        @Size(min = 1, max = 200) String organisationName,
        @Size(max = 100) String invitationToken) {

    @Override
    public String toString() {
        return "SignupRequest[email=" + email + ", name=" + name + ", organisationName=" + organisationName
                + (invitationToken == null ? "" : ", invitationToken=…") + "]";
    }
}
