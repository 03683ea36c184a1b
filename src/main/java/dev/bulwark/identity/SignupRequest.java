package dev.bulwark.identity;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A new account and its organisation (CONTRACT.md). The password's own rules live in PasswordPolicy. */
public record SignupRequest(
        @NotBlank @Size(max = 254) @Email(regexp = "^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$", message = "must be a valid email address")
        String email,
        @NotNull String password,
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 200) String organisationName) {

    @Override
    public String toString() {
        return "SignupRequest[email=" + email + ", name=" + name + ", organisationName=" + organisationName + "]";
    }
}
