package io.easyrpc.autoconfigure.websocket;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * A hand-driven WebSocket peer that speaks the easyrpc protocol message by message, the
 * way a browser does.
 */
final class WebSocketPeer implements AutoCloseable {

	private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final WebSocketSession session;

	private WebSocketPeer(URI uri, String origin) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		if (origin != null) {
			headers.setOrigin(origin);
		}
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxBinaryMessageBufferSize(4 * 1024 * 1024);
		this.session = new StandardWebSocketClient(container).execute(new AbstractWebSocketHandler() {

			@Override
			protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
				ByteBuffer payload = message.getPayload();
				byte[] bytes = new byte[payload.remaining()];
				payload.get(bytes);
				WebSocketPeer.this.received.add(bytes);
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				WebSocketPeer.this.closed.complete(status);
			}

		}, headers, uri).get(10, TimeUnit.SECONDS);
	}

	static WebSocketPeer connect(URI uri) throws Exception {
		return new WebSocketPeer(uri, null);
	}

	static WebSocketPeer connect(URI uri, String origin) throws Exception {
		return new WebSocketPeer(uri, origin);
	}

	void send(byte[] message) throws IOException {
		this.session.sendMessage(new BinaryMessage(message));
	}

	void sendText(String text) throws IOException {
		this.session.sendMessage(new TextMessage(text));
	}

	void sendPreface(int maxFrameSize) throws IOException {
		byte[] bytes = new byte[Preface.LENGTH];
		new Preface(Preface.CURRENT_VERSION, 0, maxFrameSize).writeTo(Unpooled.wrappedBuffer(bytes).clear());
		send(bytes);
	}

	/**
	 * Send a request whose arguments are strings, as one message holding the frame body.
	 */
	void sendRequest(int callId, String method, String... arguments) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(arguments.length);
		for (String argument : arguments) {
			packer.packString(argument);
		}
		byte[] payload = packer.toByteArray();
		ByteBuf frame = FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, callId, method, Metadata.EMPTY,
				(out) -> out.writePayload(payload));
		try {
			send(ByteBufUtil.getBytes(frame));
		}
		finally {
			frame.release();
		}
	}

	byte[] nextMessage() throws InterruptedException {
		byte[] message = this.received.poll(10, TimeUnit.SECONDS);
		if (message == null) {
			throw new IllegalStateException("No message from the server within 10 seconds");
		}
		return message;
	}

	Preface readPreface() throws InterruptedException {
		byte[] message = nextMessage();
		if (message.length != Preface.LENGTH) {
			throw new IllegalStateException("Expected the preface, got a message of " + message.length + " bytes");
		}
		return Preface.readFrom(Unpooled.wrappedBuffer(message));
	}

	Frame readFrame() throws InterruptedException {
		return FrameCodec.decode(Unpooled.wrappedBuffer(nextMessage()));
	}

	static String string(ByteBuf payload) throws IOException {
		return MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(payload)).unpackString();
	}

	CloseStatus awaitClosed() throws Exception {
		return this.closed.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws IOException {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}
