package io.easyrpc.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.mprpc.MsgpackRpcMessage;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.transport.StreamFraming;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProtocolDetection} on an {@link EmbeddedChannel} built as {@link RpcServer}
 * builds a TCP connection: nothing goes out before the peer's first bytes, which decide
 * between easyrpc and MessagePack-RPC.
 */
class ProtocolDetectionTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private EmbeddedChannel channel;

	@BeforeEach
	void open() {
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.inProcess("detection-" + UUID.randomUUID()))
			.codec(ObjectCodec.createDefault())
			.build();
		ServerConnection connection = new ServerConnection(server, MAX_FRAME_SIZE, CallInfo.TCP, null, null);
		this.channel = new EmbeddedChannel();
		this.channel.freezeTime();
		this.channel.pipeline().addLast("idle", new IdleStateHandler(200, 0, 0, TimeUnit.MILLISECONDS));
		this.channel.pipeline()
			.addLast(ServerConnection.DETECTION, connection.protocolDetection(null, MAX_FRAME_SIZE, null));
		StreamFraming.addHandlers(this.channel.pipeline(), MAX_FRAME_SIZE);
		this.channel.pipeline().addLast("easyrpc", connection);
		this.channel.pipeline().fireChannelActive();
	}

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void thePrefaceWaitsForAnEasyrpcPeersFirstBytes() {
		this.channel.runPendingTasks();
		assertThat((Object) this.channel.readOutbound()).isNull();
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE).writeTo(preface);
		// "E" is enough to tell
		this.channel.writeInbound(preface.readRetainedSlice(1));
		this.channel.runPendingTasks();
		ByteBuf sent = this.channel.readOutbound();
		assertThat(Preface.readFrom(sent).maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		sent.release();
		this.channel.writeInbound(preface);
		assertThat(this.channel.pipeline().get(ServerConnection.DETECTION)).isNull();
		assertThat(this.channel.pipeline().get("prefaceDecoder")).isNull();
		assertThat(this.channel.pipeline().get("frameDecoder")).isNotNull();
	}

	@Test
	void aMessagePackRpcRequestGetsAResponseAndNoPreface() {
		ByteBuf request = Unpooled
			.wrappedBuffer(new byte[] { (byte) 0x94, 0x00, 0x09, (byte) 0xa4, 'N', 'o', 'n', 'e', (byte) 0x90 });
		// the type byte comes in a read of its own
		this.channel.writeInbound(request.readRetainedSlice(1));
		this.channel.writeInbound(request);
		this.channel.runPendingTasks();
		ByteBuf sent = this.channel.readOutbound();
		MsgpackRpcMessage.Response response = (MsgpackRpcMessage.Response) MsgpackRpcCodec.decode(sent);
		assertThat(response.msgid()).isEqualTo(9);
		assertThat(ByteBufUtil.hexDump(response.error()))
			.contains(ByteBufUtil.hexDump(Unpooled.copiedBuffer("NOT_FOUND", StandardCharsets.US_ASCII)));
		sent.release();
		assertThat(this.channel.pipeline().get(ProtocolDetection.DECODER_NAME)).isNotNull();
		assertThat(this.channel.pipeline().get("frameDecoder")).isNull();
		assertThat(this.channel.pipeline().get("framePrepender")).isNull();
	}

	@Test
	void somethingElseIsRefusedAsBeforeWithThePrefaceAndAGoAway() {
		this.channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
		this.channel.runPendingTasks();
		ByteBuf preface = this.channel.readOutbound();
		assertThat(Preface.readFrom(preface).version()).isEqualTo(Preface.CURRENT_VERSION);
		preface.release();
		ByteBuf goAway = this.channel.readOutbound();
		if (goAway.readableBytes() == StreamFraming.LENGTH_PREFIX) {
			// the length prefix goes out as a buffer of its own
			goAway.release();
			goAway = this.channel.readOutbound();
		}
		else {
			goAway.skipBytes(StreamFraming.LENGTH_PREFIX);
		}
		Frame frame = FrameCodec.decode(goAway);
		goAway.release();
		assertThat(frame).isInstanceOfSatisfying(Frame.GoAway.class,
				(go) -> assertThat(go.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code()));
	}

	@Test
	void aSilentPeerIsClosedAtTheIdleTimeoutAsBefore() {
		this.channel.advanceTimeBy(250, TimeUnit.MILLISECONDS);
		this.channel.runPendingTasks();
		ByteBuf preface = this.channel.readOutbound();
		assertThat(preface).isNotNull();
		preface.release();
		assertThat(this.channel.isOpen()).isFalse();
	}

}
