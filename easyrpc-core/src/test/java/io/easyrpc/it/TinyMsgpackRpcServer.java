package io.easyrpc.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportResources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * A small MessagePack-RPC server for tests, written against the spec with msgpack-core's
 * value API only (none of easyrpc's MessagePack-RPC code): it cuts the stream into values
 * by trying to unpack them, and answers a fixed set of methods.
 * <ul>
 * <li>{@code add(a, b)}: {@code a + b};</li>
 * <li>{@code echo(x)}: {@code x};</li>
 * <li>{@code fail(text)}: the error {@code text};</li>
 * <li>{@code failWith(error)}: the error object as given;</li>
 * <li>{@code hold(x)}: answered with {@code x} only once {@code release()} is called,
 * which answers the held calls in reverse order and then itself with their count;</li>
 * <li>{@code never()}: never answered;</li>
 * <li>{@code ask(method)}: sends the client the request {@code [0, 77, method, []]} and
 * answers, once the client's response arrives, with that response's error;</li>
 * <li>{@code tell(method, params)}: sends the client the notification
 * {@code [2, method, params]} and answers {@code true};</li>
 * <li>{@code hangUp()}: closes the connection without an answer.</li>
 * </ul>
 * Every notification received is recorded, and so is every connection.
 */
final class TinyMsgpackRpcServer implements AutoCloseable {

	private final TransportResources resources = new TransportResources("tiny-msgpack-rpc", 1);

	private final Channel serverChannel;

	private final RpcAddress clientAddress;

	final BlockingQueue<List<Value>> notifications = new LinkedBlockingQueue<>();

	final List<Value> requests = new CopyOnWriteArrayList<>();

	final AtomicInteger connections = new AtomicInteger();

	private final Map<Channel, List<long[]>> held = new ConcurrentHashMap<>();

	// The requests made by ask(), waiting for the client's response: the msgid of the
	// ask call by the connection.
	private final Map<Channel, Long> asking = new ConcurrentHashMap<>();

	private TinyMsgpackRpcServer(RpcAddress bind, boolean unix) {
		this.serverChannel = this.resources.bind(bind, new ChannelInitializer<>() {

			@Override
			protected void initChannel(Channel channel) {
				TinyMsgpackRpcServer.this.connections.incrementAndGet();
				channel.pipeline().addLast(new ValueDecoder(), new Handler());
			}

		}, null).syncUninterruptibly().channel();
		this.clientAddress = unix ? RpcAddress.msgpackRpcUnix(bind.host())
				: RpcAddress.msgpackRpc("127.0.0.1", ((InetSocketAddress) this.serverChannel.localAddress()).getPort());
	}

	static TinyMsgpackRpcServer tcp() {
		return new TinyMsgpackRpcServer(RpcAddress.tcp("127.0.0.1", 0), false);
	}

	static TinyMsgpackRpcServer unix(String path) {
		return new TinyMsgpackRpcServer(RpcAddress.unix(path), true);
	}

	/**
	 * Return the address a client calls this server at.
	 */
	RpcAddress address() {
		return this.clientAddress;
	}

	@Override
	public void close() {
		this.serverChannel.close().syncUninterruptibly();
		this.resources.close();
	}

	private static ByteBuf message(Value... elements) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packValue(ValueFactory.newArray(elements));
			return Unpooled.wrappedBuffer(packer.toByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ByteBuf response(long msgid, Value error, Value result) {
		return message(ValueFactory.newInteger(1), ValueFactory.newInteger(msgid), error, result);
	}

	private final class Handler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			List<Value> message = ((ArrayValue) msg).list();
			int type = message.get(0).asIntegerValue().asInt();
			if (type == 2) {
				TinyMsgpackRpcServer.this.notifications.add(message);
				return;
			}
			if (type == 1) {
				Long ask = TinyMsgpackRpcServer.this.asking.remove(ctx.channel());
				if (ask != null) {
					ctx.writeAndFlush(response(ask, ValueFactory.newNil(), message.get(2)));
				}
				return;
			}
			TinyMsgpackRpcServer.this.requests.add((Value) msg);
			long msgid = message.get(1).asIntegerValue().asLong();
			String method = message.get(2).asStringValue().asString();
			List<Value> params = message.get(3).asArrayValue().list();
			Value nil = ValueFactory.newNil();
			switch (method) {
				case "add" -> ctx.writeAndFlush(response(msgid, nil, ValueFactory
					.newInteger(params.get(0).asIntegerValue().asLong() + params.get(1).asIntegerValue().asLong())));
				case "echo" -> ctx.writeAndFlush(response(msgid, nil, params.get(0)));
				case "fail" -> ctx.writeAndFlush(response(msgid, params.get(0), nil));
				case "failWith" -> ctx.writeAndFlush(response(msgid, params.get(0), nil));
				case "hold" -> TinyMsgpackRpcServer.this.held.computeIfAbsent(ctx.channel(), (key) -> new ArrayList<>())
					.add(new long[] { msgid, params.get(0).asIntegerValue().asLong() });
				case "release" -> {
					List<long[]> calls = TinyMsgpackRpcServer.this.held.remove(ctx.channel());
					int count = (calls != null) ? calls.size() : 0;
					for (int i = count - 1; i >= 0; i--) {
						ctx.write(response(calls.get(i)[0], nil, ValueFactory.newInteger(calls.get(i)[1])));
					}
					ctx.writeAndFlush(response(msgid, nil, ValueFactory.newInteger(count)));
				}
				case "never" -> {
				}
				case "ask" -> {
					TinyMsgpackRpcServer.this.asking.put(ctx.channel(), msgid);
					ctx.writeAndFlush(message(ValueFactory.newInteger(0), ValueFactory.newInteger(77), params.get(0),
							ValueFactory.newArray()));
				}
				case "tell" -> {
					ctx.write(message(ValueFactory.newInteger(2), params.get(0), params.get(1)));
					ctx.writeAndFlush(response(msgid, nil, ValueFactory.newBoolean(true)));
				}
				case "hangUp" -> ctx.close();
				default -> ctx.writeAndFlush(response(msgid, ValueFactory.newString("no such method: " + method), nil));
			}
		}

	}

	// Cuts the stream into values by trying to unpack each from the bytes so far.
	private static final class ValueDecoder extends ByteToMessageDecoder {

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws IOException {
			byte[] bytes = new byte[in.readableBytes()];
			in.getBytes(in.readerIndex(), bytes);
			try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
				while (unpacker.hasNext()) {
					long before = unpacker.getTotalReadBytes();
					Value value;
					try {
						value = unpacker.unpackValue();
					}
					catch (MessageInsufficientBufferException ex) {
						in.skipBytes((int) before);
						return;
					}
					out.add(value);
				}
				in.skipBytes(bytes.length);
			}
		}

	}

}
