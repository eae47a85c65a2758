package dev.cmux.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.buffer.Unpooled;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real DNS server on loopback UDP that answers A queries from a map and NXDOMAIN otherwise. */
public final class TinyDnsServer implements AutoCloseable {

    private final Map<String, InetAddress> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    public TinyDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answerer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code name} (without trailing dot) now resolves to {@code address}; {@code null} removes it. */
    public void put(String name, InetAddress address) {
        if (address == null) {
            records.remove(name.toLowerCase(Locale.ROOT));
        } else {
            records.put(name.toLowerCase(Locale.ROOT), address);
        }
    }

    public int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, question);
            String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
                    : question.name();
            InetAddress address = records.get(name.toLowerCase(Locale.ROOT));
            boolean matchingType = address != null && (address.getAddress().length == 4
                    ? question.type() == DnsRecordType.A : question.type() == DnsRecordType.AAAA);
            if (address == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (matchingType) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 1,
                        Unpooled.wrappedBuffer(address.getAddress())));
            }
            ctx.writeAndFlush(response);
        }
    }
}
