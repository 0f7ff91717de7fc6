package io.easyrpc.internal.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.mprpc.MsgpackStreamDecoder;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MsgpackRpcClientAdapter}: easyrpc frames in, MessagePack-RPC messages
 * out, and back, on an {@link EmbeddedChannel} with the stream decoder in front.
 */
class MsgpackRpcClientAdapterTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final RpcAddress ADDRESS = RpcAddress.msgpackRpc("localhost", 6666);

	private final List<String> notifications = new ArrayList<>();

	private final EmbeddedChannel channel = new EmbeddedChannel(new MsgpackStreamDecoder(1 << 20),
			new MsgpackRpcClientAdapter(ADDRESS, 1 << 20,
					(server, method, params) -> this.notifications.add(server + " " + method + " " + params),
					ObjectCodec.createDefault()));

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void connectionIsReadyAtOnceWithoutAPrefaceOnTheWire() {
		Object preface = this.channel.readInbound();
		assertThat(preface).isInstanceOf(Preface.class);
		assertThat(((Preface) preface).requiresAuthentication()).isFalse();
		assertThat(((Preface) preface).maxFrameSize()).isEqualTo(1 << 20);
		this.channel.writeOutbound(new Preface(Preface.CURRENT_VERSION, 0, 1 << 20));
		assertThat((Object) this.channel.readOutbound()).isNull();
	}

	@Test
	void requestFrameBecomesARequestWithItsArgumentsAsParams() throws IOException {
		this.channel.writeOutbound(FrameCodec.encodeRequest(ByteBufAllocator.DEFAULT, 5, "nvim_eval",
				new Metadata(3000, null, null, java.util.Map.of("h", "v")), (packer) -> {
					packer.packArrayHeader(1);
					packer.packString("1+2");
				}));
		assertThat(readOutboundJson()).isEqualTo("[0,5,\"nvim_eval\",[\"1+2\"]]");
	}

	@Test
	void notificationFrameBecomesANotification() throws IOException {
		this.channel.writeOutbound(FrameCodec.encodeNotification(ByteBufAllocator.DEFAULT, "log", Metadata.EMPTY,
				(packer) -> packer.packArrayHeader(0)));
		assertThat(readOutboundJson()).isEqualTo("[2,\"log\",[]]");
	}

	@Test
	void cancelGoesNowhere() {
		this.channel.writeOutbound(FrameCodec.encodeCancel(ByteBufAllocator.DEFAULT, 5, RpcStatus.DEADLINE_EXCEEDED));
		assertThat((Object) this.channel.readOutbound()).isNull();
	}

	@Test
	void emptyBufferOfCloseAfterFlushPassesThrough() {
		this.channel.writeOutbound(Unpooled.EMPTY_BUFFER);
		ByteBuf out = this.channel.readOutbound();
		assertThat(out.isReadable()).isFalse();
	}

	@Test
	void pingIsAnsweredHere() {
		this.channel.readInbound();
		this.channel.writeOutbound(FrameCodec.encodePing(ByteBufAllocator.DEFAULT, false, 9));
		assertThat((Object) this.channel.readOutbound()).isNull();
		this.channel.runPendingTasks();
		assertThat(readInboundFrame()).isEqualTo(new Frame.Pong(9));
	}

	@Test
	void requestOfASessionIsFailedHere() throws IOException {
		this.channel.readInbound();
		this.channel.writeOutbound(FrameCodec.encodeRequest(ByteBufAllocator.DEFAULT, 6, "open",
				new Metadata(0, null, "session-1", java.util.Map.of()), (packer) -> packer.packArrayHeader(0)));
		assertThat((Object) this.channel.readOutbound()).isNull();
		this.channel.runPendingTasks();
		Frame.Error error = (Frame.Error) readInboundFrame();
		assertThat(error.callId()).isEqualTo(6);
		assertThat(RpcStatus.fromCode(error.statusCode())).isEqualTo(RpcStatus.INVALID_ARGUMENT);
		assertThat(error.message()).contains("Sessions are not available on MessagePack-RPC");
	}

	@Test
	void successfulResponseBecomesAResponseFrameWithTheResult() throws IOException {
		this.channel.readInbound();
		this.channel.writeInbound(message((packer) -> {
			packer.packArrayHeader(4).packInt(1).packInt(5).packNil();
			packer.packArrayHeader(2).packInt(3).packString("x");
		}));
		ByteBuf body = this.channel.readInbound();
		try {
			Frame.Response response = (Frame.Response) FrameCodec.decode(body);
			assertThat(response.callId()).isEqualTo(5);
			try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(response.payload()))) {
				assertThat(unpacker.unpackValue().toJson()).isEqualTo("[3,\"x\"]");
			}
		}
		finally {
			body.release();
		}
	}

	@Test
	void responseSplitAcrossReadsIsDecodedOnceWhole() throws IOException {
		this.channel.readInbound();
		ByteBuf whole = message((packer) -> packer.packArrayHeader(4).packInt(1).packInt(7).packNil().packString("ok"));
		this.channel.writeInbound(whole.readRetainedSlice(3));
		assertThat((Object) this.channel.readInbound()).isNull();
		this.channel.writeInbound(whole);
		assertThat(((Frame.Response) readInboundFrame()).callId()).isEqualTo(7);
	}

	@Test
	void errorResponseBecomesAnErrorFrameWithTheErrorsText() throws IOException {
		this.channel.readInbound();
		this.channel.writeInbound(message((packer) -> packer.packArrayHeader(4)
			.packInt(1)
			.packInt(8)
			.packArrayHeader(2)
			.packInt(1)
			.packString("Vim:E15: Invalid expression")
			.packNil()));
		Frame.Error error = (Frame.Error) readInboundFrame();
		assertThat(error.callId()).isEqualTo(8);
		assertThat(RpcStatus.fromCode(error.statusCode())).isEqualTo(RpcStatus.APPLICATION_ERROR);
		assertThat(error.message()).isEqualTo("Vim:E15: Invalid expression");
	}

	@Test
	void responseToAnIdThisSideNeverGaveIsDropped() throws IOException {
		this.channel.readInbound();
		this.channel.writeInbound(
				message((packer) -> packer.packArrayHeader(4).packInt(1).packLong(0xffff_fff0L).packNil().packNil()));
		this.channel
			.writeInbound(message((packer) -> packer.packArrayHeader(4).packInt(1).packInt(0).packNil().packNil()));
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void requestOfTheServerIsAnsweredWithAnErrorString() throws IOException {
		this.channel.writeInbound(message((packer) -> packer.packArrayHeader(4)
			.packInt(0)
			.packInt(42)
			.packString("x")
			.packArrayHeader(1)
			.packInt(1)));
		assertThat(readOutboundJson()).isEqualTo("[1,42,\"easyrpc client serves no requests: cannot run 'x'\",null]");
	}

	@Test
	void notificationOfTheServerGoesToTheListener() throws IOException {
		this.channel.writeInbound(message((packer) -> packer.packArrayHeader(3)
			.packInt(2)
			.packString("redraw")
			.packArrayHeader(2)
			.packInt(1)
			.packString("two")));
		this.channel.writeInbound(message((packer) -> packer.packArrayHeader(3)
			.packInt(2)
			.packString("named")
			.packMapHeader(1)
			.packString("k")
			.packInt(1)));
		assertThat(this.notifications).containsExactly("msgpack-rpc://localhost:6666 redraw [1, two]",
				"msgpack-rpc://localhost:6666 named [{k=1}]");
	}

	@Test
	void listenerThatThrowsDoesNotBreakTheConnection() throws IOException {
		this.logs.expect(MsgpackRpcClientAdapter.class, Level.WARN, "notification listener failed");
		EmbeddedChannel failing = new EmbeddedChannel(new MsgpackStreamDecoder(1 << 20),
				new MsgpackRpcClientAdapter(ADDRESS, 1 << 20, (server, method, params) -> {
					throw new IllegalStateException("listener failed");
				}, ObjectCodec.createDefault()));
		failing.readInbound();
		failing
			.writeInbound(message((packer) -> packer.packArrayHeader(3).packInt(2).packString("e").packArrayHeader(0)));
		failing.writeInbound(message((packer) -> packer.packArrayHeader(4).packInt(1).packInt(1).packNil().packNil()));
		ByteBuf body = failing.readInbound();
		try {
			assertThat(FrameCodec.decode(body)).isInstanceOf(Frame.Response.class);
		}
		finally {
			body.release();
		}
		assertThat(failing.isActive()).isTrue();
		failing.finishAndReleaseAll();
	}

	private Frame readInboundFrame() {
		ByteBuf body = this.channel.readInbound();
		assertThat(body).isNotNull();
		try {
			// Payloads are slices of the body: only their ids and texts are used after.
			return FrameCodec.decode(body);
		}
		finally {
			body.release();
		}
	}

	private String readOutboundJson() throws IOException {
		ByteBuf out = this.channel.readOutbound();
		assertThat(out).isNotNull();
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(out))) {
			return unpacker.unpackValue().toJson();
		}
		finally {
			out.release();
		}
	}

	private static ByteBuf message(Packing packing) throws IOException {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packing.pack(packer);
			return Unpooled.wrappedBuffer(packer.toByteArray());
		}
	}

	@FunctionalInterface
	private interface Packing {

		void pack(MessagePacker packer) throws IOException;

	}

}
