package io.easyrpc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A remote stack trace's text is rebuilt into causes with the remote frames.
 */
class RemoteStackTraceTests {

	@Test
	void sectionsBecomeCausesWithTheirFrames() {
		String text = """
				com.example.OrderException: order 7 failed
				on two lines
				\tat com.example.Orders.place(Orders.java:42)
				\tat java.base/java.lang.Thread.run(Thread.java:840)
				\tSuppressed: java.lang.IllegalStateException: ignored
				\t\tat com.example.Orders.cleanup(Orders.java:50)
				Caused by: java.io.IOException: disk full
				\tat app//com.example.Store.write(Native Method)
				\tat com.example.Store.save(Unknown Source)
				\t... 2 more
				""";
		RemoteStackTrace trace = RemoteStackTrace.parse(text);
		assertThat(trace).isNotNull();
		assertThat(trace.getMessage()).isEqualTo("com.example.OrderException: order 7 failed\non two lines");
		assertThat(trace.toString()).startsWith("remote com.example.OrderException");
		assertThat(trace.getStackTrace()).containsExactly(
				new StackTraceElement("com.example.Orders", "place", "Orders.java", 42),
				new StackTraceElement("java.lang.Thread", "run", "Thread.java", 840));
		Throwable cause = trace.getCause();
		assertThat(cause).isInstanceOf(RemoteStackTrace.class).hasMessage("java.io.IOException: disk full");
		assertThat(cause.getStackTrace()).containsExactly(new StackTraceElement("com.example.Store", "write", null, -2),
				new StackTraceElement("com.example.Store", "save", null, -1));
		assertThat(cause.getCause()).isNull();
	}

	@Test
	void noTextGivesNoTrace() {
		assertThat(RemoteStackTrace.parse(null)).isNull();
		assertThat(RemoteStackTrace.parse("  ")).isNull();
	}

	@Test
	void anRpcExceptionWithARemoteTraceHasItAsCauseUnlessGivenALocalOne() {
		String text = "com.example.Failure: boom\n\tat com.example.Service.run(Service.java:1)\n";
		RpcException remote = new RpcException(RpcStatus.APPLICATION_ERROR, "boom", "com.example.Failure", text, null);
		assertThat(remote.getCause()).isInstanceOf(RemoteStackTrace.class);
		assertThat(remote.getRemoteStackTrace()).isEqualTo(text);
		IllegalStateException local = new IllegalStateException("local");
		assertThat(new RpcException(RpcStatus.INTERNAL, "boom", "com.example.Failure", text, local).getCause())
			.isSameAs(local);
		assertThat(new RpcException(RpcStatus.INTERNAL, "boom").getCause()).isNull();
	}

	@Test
	void malformedFramesAreSkipped() {
		RemoteStackTrace trace = RemoteStackTrace.parse("x.Y: z\n\tat nothing here\n\tat a.B.c(B.java:notanumber)\n");
		assertThat(trace.getStackTrace()).containsExactly(new StackTraceElement("a.B", "c", "B.java", -1));
	}

}
