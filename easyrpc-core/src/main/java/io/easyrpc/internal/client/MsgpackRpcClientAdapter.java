package io.easyrpc.internal.client;

import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.mprpc.MsgpackRpcMessage;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageUnpacker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a {@link ClientConnection} call a plain MessagePack-RPC server: it sits where the
 * easyrpc framing would and turns easyrpc frames into MessagePack-RPC messages and back,
 * so that ids, deadlines, cancellation, balancing and reconnects work as for an easyrpc
 * server while the easyrpc path itself stays untouched.
 * <ul>
 * <li>The connection's preface is not sent; once the socket is up, a preface for the
 * server is made up here (no authentication, this side's message size limit), which makes
 * the connection ready at once.</li>
 * <li>A {@code REQUEST} frame becomes {@code [0, callId, method, params]} and a
 * {@code NOTIFICATION} frame {@code [2, method, params]}: the easyrpc payload of a call
 * is already the MessagePack array of its arguments, and goes out as it is. A request of
 * a session is failed here: MessagePack-RPC has no sessions.</li>
 * <li>{@code [1, msgid, nil, result]} becomes a {@code RESPONSE} frame and
 * {@code [1, msgid, error, result]} an {@code ERROR} frame with the status and text
 * {@link MsgpackRpcErrors} reads from the error object.</li>
 * <li>A {@code CANCEL} frame goes nowhere: the call is forgotten, its late response
 * dropped. A {@code PING} is answered here (MessagePack-RPC has no ping), so keep-alive
 * and {@code ping()} see a connection that is up. Stream frames and {@code GOAWAY} are
 * dropped.</li>
 * <li>A request from the server ({@code [0, msgid, method, params]}) is answered here
 * with {@code [1, msgid, error, nil]}, the error being the string
 * {@value #REQUEST_REFUSED_PREFIX}<em>method</em>{@code '}; a notification from the
 * server goes to the listener, if any.</li>
 * </ul>
 */
final class MsgpackRpcClientAdapter extends ChannelDuplexHandler {

	private static final Logger logger = LoggerFactory.getLogger(MsgpackRpcClientAdapter.class);

	/** The start of the error string answering a request of the server. */
	static final String REQUEST_REFUSED_PREFIX = "easyrpc client serves no requests: cannot run '";

	private final RpcAddress address;

	private final int maxMessageSize;

	private final @Nullable MsgpackRpcNotifications listener;

	private final ObjectCodec codec;

	private final ValueType paramsType;

	/**
	 * Create the adapter of one connection.
	 * @param address the server's address
	 * @param maxMessageSize the largest message accepted from the server
	 * @param listener receives the server's notifications, or {@code null}
	 * @param codec decodes the params of notifications
	 */
	MsgpackRpcClientAdapter(RpcAddress address, int maxMessageSize, @Nullable MsgpackRpcNotifications listener,
			ObjectCodec codec) {
		this.address = address;
		this.maxMessageSize = maxMessageSize;
		this.listener = listener;
		this.codec = codec;
		this.paramsType = codec.valueType(List.class);
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		ctx.fireChannelActive();
		// A plain MessagePack-RPC server sends nothing first: the connection is ready
		// as soon as it is up.
		ctx.fireChannelRead(new Preface(Preface.CURRENT_VERSION, 0, this.maxMessageSize));
		ctx.fireChannelReadComplete();
	}

	// Inbound: each message is one whole MessagePack value.

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf value)) {
			ctx.fireChannelRead(msg);
			return;
		}
		try {
			received(ctx, value);
		}
		finally {
			value.release();
		}
	}

	private void received(ChannelHandlerContext ctx, ByteBuf value) {
		MsgpackRpcMessage message = MsgpackRpcCodec.decode(value);
		if (message instanceof MsgpackRpcMessage.Response response) {
			response(ctx, response);
		}
		else if (message instanceof MsgpackRpcMessage.Request request) {
			logger.debug("MessagePack-RPC server {} sent a request of '{}', answered with an error", this.address,
					LogSafe.text(request.method()));
			String error = REQUEST_REFUSED_PREFIX + request.method() + "'";
			ctx.writeAndFlush(encode(() -> MsgpackRpcCodec.encodeError(ctx.alloc(), request.msgid(),
					(packer) -> packer.packString(error))));
		}
		else if (message instanceof MsgpackRpcMessage.Notification notification) {
			notification(notification);
		}
	}

	private void response(ChannelHandlerContext ctx, MsgpackRpcMessage.Response response) {
		if (response.msgid() <= 0 || response.msgid() > Integer.MAX_VALUE) {
			// Not an id this side gave out.
			logger.debug("Dropping a response of {} to unknown message id {}", this.address, response.msgid());
			return;
		}
		int callId = (int) response.msgid();
		ByteBuf frame;
		if (response.isSuccess()) {
			byte[] result = ByteBufUtil.getBytes(response.result());
			frame = encode(
					() -> FrameCodec.encodeResponse(ctx.alloc(), callId, (packer) -> packer.writePayload(result)));
		}
		else {
			MsgpackRpcErrors.Error error = MsgpackRpcErrors.read(response.error());
			frame = FrameCodec.encodeError(ctx.alloc(), callId, error.status(), error.message(), null, null);
		}
		ctx.fireChannelRead(frame);
	}

	private static ByteBuf encode(FrameEncoder encoder) {
		try {
			return encoder.encode();
		}
		catch (java.io.IOException ex) {
			throw new ProtocolException(RpcStatus.INTERNAL, "Cannot encode a MessagePack-RPC message", ex);
		}
	}

	private void notification(MsgpackRpcMessage.Notification notification) {
		MsgpackRpcNotifications target = this.listener;
		if (target == null) {
			logger.debug("Dropping notification '{}' from {}: no listener is set", LogSafe.text(notification.method()),
					this.address);
			return;
		}
		List<Object> params;
		try {
			params = params(notification.params());
		}
		catch (Exception ex) {
			logger.warn("Cannot decode the params of notification '{}' from {}: {}",
					LogSafe.text(notification.method()), this.address, ex.getMessage());
			return;
		}
		try {
			target.notification(this.address, notification.method(), params);
		}
		catch (RuntimeException ex) {
			logger.warn("The MessagePack-RPC notification listener failed on '{}' from {}",
					LogSafe.text(notification.method()), this.address, ex);
		}
	}

	@SuppressWarnings("unchecked")
	private List<Object> params(ByteBuf params) throws java.io.IOException {
		MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(params);
		if (unpacker.getNextFormat().getValueType() == org.msgpack.value.ValueType.ARRAY) {
			Object list = this.codec.read(unpacker, this.paramsType);
			return (list != null) ? (List<Object>) list : List.of();
		}
		Object single = this.codec.read(unpacker, this.codec.valueType(Object.class));
		return java.util.Collections.singletonList(single);
	}

	// Outbound: the connection writes prefaces and easyrpc frame bodies.

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof Preface) {
			promise.setSuccess();
			return;
		}
		if (!(msg instanceof ByteBuf body) || !body.isReadable()) {
			// The empty buffer of closeAfterFlush, which must still reach the socket.
			ctx.write(msg, promise);
			return;
		}
		ByteBuf out = null;
		try {
			Frame frame = FrameCodec.decode(body.duplicate());
			if (frame instanceof Frame.Request request) {
				if (request.metadata().sessionId() != null) {
					refuse(ctx, request.callId(), "Sessions are not available on MessagePack-RPC (" + this.address
							+ "): " + request.method() + " was not sent");
				}
				else {
					PayloadWriter params = raw(request.payload());
					out = encode(() -> MsgpackRpcCodec.encodeRequest(ctx.alloc(), request.callId(), request.method(),
							params));
				}
			}
			else if (frame instanceof Frame.Notification notification) {
				PayloadWriter params = raw(notification.payload());
				out = encode(() -> MsgpackRpcCodec.encodeNotification(ctx.alloc(), notification.method(), params));
			}
			else if (frame instanceof Frame.Ping ping) {
				long data = ping.data();
				ctx.executor().execute(() -> {
					ctx.fireChannelRead(FrameCodec.encodePing(ctx.alloc(), true, data));
					ctx.fireChannelReadComplete();
				});
			}
		}
		finally {
			body.release();
		}
		if (out != null) {
			ctx.write(out, promise);
		}
		else {
			promise.setSuccess();
		}
	}

	// The easyrpc payload of a call is the MessagePack array of its arguments: the params
	// as they are.
	private static PayloadWriter raw(ByteBuf payload) {
		return (packer) -> {
			if (payload.hasArray()) {
				packer.writePayload(payload.array(), payload.arrayOffset() + payload.readerIndex(),
						payload.readableBytes());
			}
			else {
				packer.writePayload(ByteBufUtil.getBytes(payload));
			}
		};
	}

	// Fails a call this side cannot send, later on the event loop: the connection is
	// in the middle of writing it.
	private void refuse(ChannelHandlerContext ctx, int callId, String message) {
		ctx.executor().execute(() -> {
			ctx.fireChannelRead(
					FrameCodec.encodeError(ctx.alloc(), callId, RpcStatus.INVALID_ARGUMENT, message, null, null));
			ctx.fireChannelReadComplete();
		});
	}

	@FunctionalInterface
	private interface FrameEncoder {

		ByteBuf encode() throws java.io.IOException;

	}

}
