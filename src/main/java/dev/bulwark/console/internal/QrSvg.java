package dev.bulwark.console.internal;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as an SVG drawing, made on the server (io.nayuki:qrcodegen encodes; this only draws its modules as one
 * path), so the TOTP secret never goes to a third party or a script. Embedded as a data: image, which the pages' CSP
 * allows ({@code img-src 'self' data:}).
 */
public final class QrSvg {

    public static String of(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int border = 4;
        int size = qr.size + border * 2;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + border).append(',').append(y + border).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    /** {@link #of} as a {@code data:} URI for an {@code <img>}. */
    public static String dataUri(String text) {
        return "data:image/svg+xml;base64," + java.util.Base64.getEncoder().encodeToString(of(text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private QrSvg() {
    }
}
