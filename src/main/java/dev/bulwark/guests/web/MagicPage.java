package dev.bulwark.guests.web;

import org.springframework.web.util.HtmlUtils;

/**
 * The two pages of the magic link, server-rendered under the strict page policy: the one style block carries this
 * request's nonce, there is no script, and the form posts to this origin only ({@code form-action 'self'}).
 */
final class MagicPage {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;"
            + "color:#1d2330}button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #2b4c7e;"
            + "background:#2b4c7e;color:#fff;cursor:pointer}p{line-height:1.5}";

    private MagicPage() {
    }

    /** The confirmation page: a button whose POST uses the link. Rendering it uses nothing. */
    static String confirm(String nonce, String token, String csrf) {
        return page(nonce, "Open the shared documents", """
                <h1>Open the shared documents</h1>
                <p>Press the button to sign in. The link works once, in this browser, within ten minutes of being sent.</p>
                <form method="post" action="/portal/magic">
                <input type="hidden" name="token" value="%s">
                <input type="hidden" name="csrf" value="%s">
                <button type="submit">Sign in</button>
                </form>
                """.formatted(HtmlUtils.htmlEscape(token), HtmlUtils.htmlEscape(csrf)));
    }

    /** The page of a link that cannot sign in: unknown, used, expired, or its guest's access ended (all alike). */
    static String invalid(String nonce) {
        return page(nonce, "Link not valid", """
                <h1>This link is not valid</h1>
                <p>It was used already, has expired, or access has ended. Ask the person who shared the documents for a new link.</p>
                """);
    }

    private static String page(String nonce, String title, String body) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="referrer" content="no-referrer">
                <meta name="robots" content="noindex">
                <title>%s</title>
                <style nonce="%s">%s</style>
                </head>
                <body>
                %s</body>
                </html>
                """.formatted(HtmlUtils.htmlEscape(title), HtmlUtils.htmlEscape(nonce), STYLE, body);
    }
}
