package dev.bulwark.identity;

/** Who is on the other end of a request, as far as it can be told: recorded with sessions and security events. */
public record ClientInfo(String ip, String userAgent, String requestId) {

    public ClientInfo {
        ip = clip(ip, 64);
        userAgent = clip(userAgent, 512);
        requestId = clip(requestId, 64);
    }

    private static String clip(String value, int max) {
        return value == null ? null : value.length() <= max ? value : value.substring(0, max);
    }
}
