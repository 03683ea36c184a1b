package dev.bulwark.sso.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import dev.bulwark.sso.DnsProperties;
import org.springframework.stereotype.Component;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT records, asked of the resolvers the operator configures ({@code bulwark.dns.servers}) or the system's, with
 * dnsjava: the JDK's resolver answers addresses only. Each query goes to the resolvers directly, without a cache, so a
 * record just published is seen as soon as they see it. The server connected to is the operator's; users name only
 * the domain asked about.
 */
@Component
class DnsTxt {

    private final Resolver resolver;

    DnsTxt(DnsProperties properties) {
        List<Resolver> resolvers = new ArrayList<>();
        List<InetSocketAddress> servers = properties.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : properties.servers().stream().map(DnsTxt::address).toList();
        for (InetSocketAddress server : servers) {
            SimpleResolver simple = new SimpleResolver(server);
            simple.setTimeout(properties.timeout());
            resolvers.add(simple);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setTimeout(properties.timeout());
        extended.setRetries(1);
        this.resolver = extended;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("bulwark.dns.servers: each entry is host:port, got " + hostPort);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** The strings of every TXT record at {@code name} (each record's strings joined, as RFC 7208 reads them). */
    List<String> txt(String name) throws IOException {
        Name query;
        try {
            query = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IOException("not a DNS name", e);
        }
        Message answer = resolver.send(Message.newQuery(Record.newRecord(query, Type.TXT, DClass.IN)));
        int rcode = answer.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw new IOException("DNS answered " + Rcode.string(rcode));
        }
        List<String> texts = new ArrayList<>();
        for (Record record : answer.getSection(Section.ANSWER)) {
            if (record instanceof TXTRecord txt && record.getName().equals(query)) {
                texts.add(String.join("", txt.getStrings()));
            }
        }
        return texts;
    }
}
