package dev.bulwark.shared;

/**
 * A request refused by a rule that has its own problem type (e.g. {@code email-unverified}, {@code invitation-void}):
 * answered with {@code status} and the type {@code https://bulwark.dev/problems/<slug>}.
 */
public class RefusedException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;

    public RefusedException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** 403 {@code email-unverified}: the account must prove its address (by a mailed token) first. */
    public static RefusedException emailUnverified() {
        return new RefusedException(403, "email-unverified", "Email not verified",
                "Verify your email address (open the link mailed to it, or reset your password) before adding a second factor.");
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }
}
