package io.easyrpc.it;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.it.errors.QuotaExceededException;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How failures on the server reach the caller: which exception types are re-created,
 * which become {@link RpcException}s, and with which status.
 */
@ExtendWith(LeakDetectionExtension.class)
class ExceptionPropagationTests {

	// Most tests here make the service throw an exception it does not declare: the server
	// logs each one, which is asserted once below and kept off the output everywhere.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(RpcServer.class, Level.WARN, "threw an unexpected exception");

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private Accounts accounts() {
		return accounts((builder) -> {
		}, new ExceptionFactory(List.of(RpcFixture.ALLOWED_EXCEPTION_PACKAGE), null));
	}

	private Accounts accounts(java.util.function.Consumer<RpcServer.Builder> server, ExceptionFactory exceptions) {
		RpcServer rpcServer = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), server,
				RpcFixture.definitions(new AccountsService()));
		RpcChannel channel = this.rpc.channel(rpcServer);
		return this.rpc.client(ClientDefinition.of(Accounts.class, RpcFixture.TIMEOUT), channel, exceptions);
	}

	@Test
	void declaredCheckedExceptionIsRethrownAsTheSameType() {
		Accounts accounts = accounts();
		assertThatExceptionOfType(InsufficientFundsException.class).isThrownBy(() -> accounts.withdraw(500))
			.withMessage("balance 100 is less than 500")
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class, (cause) -> {
				assertThat(cause.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
				assertThat(cause.getRemoteClassName()).isEqualTo(InsufficientFundsException.class.getName());
			});
	}

	@Test
	void declaredCheckedExceptionOfAnAsyncMethodCompletesTheFutureWithTheSameType() throws Exception {
		Accounts accounts = accounts();
		CompletableFuture<Long> result = accounts.withdrawAsync(500);
		assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(InsufficientFundsException.class)
			.hasMessage("balance 100 is less than 500");
	}

	@Test
	void standardRuntimeExceptionsAreRethrownAsTheSameType() {
		Accounts accounts = accounts();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> accounts.fail("argument"))
			.withMessage("bad argument");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> accounts.fail("state"))
			.withMessage("bad state");
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> accounts.fail("element"))
			.withMessage("no element");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> accounts.fail("operation"))
			.withMessage("not supported");
	}

	@Test
	void undeclaredCustomExceptionBecomesApplicationError() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Accounts.fail threw an unexpected exception");
		Accounts accounts = accounts();
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.fail("custom")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
			assertThat(ex.getRemoteClassName()).isEqualTo(LedgerLockedException.class.getName());
			assertThat(ex.getDescription()).isEqualTo("ledger is locked");
			assertThat(ex.getMessage()).contains("ledger is locked");
			assertThat(ex.getRemoteStackTrace()).isNull();
		});
	}

	@Test
	void exceptionInAnAllowedPackageIsRecreated() {
		Accounts accounts = accounts();
		assertThatExceptionOfType(QuotaExceededException.class).isThrownBy(() -> accounts.fail("quota"))
			.withMessage("quota of 3 exceeded");
	}

	@Test
	void exceptionInAnAllowedPackageIsNotRecreatedWithoutThatSetting() {
		Accounts accounts = accounts((builder) -> {
		}, new ExceptionFactory(List.of(), null));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.fail("quota"))
			.satisfies((ex) -> assertThat(ex.getRemoteClassName()).isEqualTo(QuotaExceededException.class.getName()));
	}

	@Test
	void exceptionClassUnknownToTheClientBecomesRpcExceptionWithoutBeingLoaded() throws Exception {
		RecordingClassLoader loader = new RecordingClassLoader(getClass().getClassLoader());
		Accounts accounts = accounts((builder) -> {
		}, new ExceptionFactory(List.of(RpcFixture.ALLOWED_EXCEPTION_PACKAGE), loader));
		String name = "com.example.ledger.internal.LedgerCorruptedException";
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.failWith(name, "checksum mismatch"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
				assertThat(ex.getRemoteClassName()).isEqualTo(name);
				assertThat(ex.getDescription()).isEqualTo("checksum mismatch");
			});
		assertThat(loader.requested).doesNotContain(name);
	}

	@Test
	void exceptionClassMissingOnTheClientInAnAllowedPackageBecomesRpcException() throws Exception {
		Accounts accounts = accounts();
		String name = RpcFixture.ALLOWED_EXCEPTION_PACKAGE + ".ServerOnlyException";
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.failWith(name, "only on the server"))
			.satisfies((ex) -> {
				assertThat(ex.getRemoteClassName()).isEqualTo(name);
				assertThat(ex.getDescription()).isEqualTo("only on the server");
			});
	}

	@Test
	void rpcExceptionThrownByTheMethodKeepsItsStatus() {
		Accounts accounts = accounts();
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.fail("exhausted")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
			assertThat(ex.getDescription()).isEqualTo("too many withdrawals");
		});
	}

	@Test
	void exceptionResolverMapsAnExceptionToAStatus() {
		Accounts accounts = accounts((builder) -> builder.exceptionResolver((exception, method) -> {
			if (exception instanceof LedgerLockedException) {
				return new RpcException(RpcStatus.PERMISSION_DENIED, "locked for " + method.key());
			}
			return null;
		}), new ExceptionFactory(List.of(), null));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> accounts.fail("custom")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED);
			assertThat(ex.getDescription()).isEqualTo("locked for Accounts.fail");
		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> accounts.fail("state"));
	}

	@Test
	void methodUnknownToTheServerFailsWithNotFound() {
		RpcServer server = this.rpc.tcpServer(new AccountsService());
		Branches branches = this.rpc.client(Branches.class, this.rpc.channel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(branches::list)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND))
			.withMessageContaining("Branches.list");
	}

	@Test
	void wrongNumberOfArgumentsFailsWithInvalidArgument() {
		RpcServer server = this.rpc.tcpServer(new AccountsService());
		RpcChannel channel = this.rpc.channel(server);
		ValueType longType = RpcFixture.CODEC.valueType(long.class);
		CompletableFuture<Object> call = channel.call("Accounts.deposit", new Object[] { 1L, 2L },
				new ValueType[] { longType, longType }, longType, RpcFixture.TIMEOUT, null);
		assertThatThrownBy(call::get).cause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT))
			.hasMessageContaining("expected 1 argument, got 2");
	}

	@Test
	void argumentOfTheWrongTypeFailsWithInvalidArgument() throws Exception {
		RpcServer server = this.rpc.tcpServer(new AccountsService());
		RpcChannel channel = this.rpc.channel(server);
		ValueType longType = RpcFixture.CODEC.valueType(long.class);
		ValueType listType = RpcFixture.CODEC.valueType(List.class);
		CompletableFuture<Object> call = channel.call("Accounts.deposit", new Object[] { List.of("ten") },
				new ValueType[] { listType }, longType, RpcFixture.TIMEOUT, null);
		assertThatThrownBy(call::get).cause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT))
			.hasMessageContaining("amount");
		CompletableFuture<Object> valid = channel.call("Accounts.deposit", new Object[] { 10L },
				new ValueType[] { longType }, longType, RpcFixture.TIMEOUT, null);
		assertThat(valid.get()).isEqualTo(110L);
	}

	@Test
	void namedArgumentsAreMatchedByParameterName() throws Exception {
		RpcServer server = this.rpc.tcpServer(new AccountsService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.sendRequest(7, "Accounts.transfer", Metadata.EMPTY, (packer) -> {
				packer.packMapHeader(2);
				packer.packString("amount");
				packer.packLong(30);
				packer.packString("to");
				packer.packString("savings");
			});
			Frame frame = raw.readFrame();
			assertThat(frame).isInstanceOf(Frame.Response.class);
			Frame.Response response = (Frame.Response) frame;
			assertThat(response.callId()).isEqualTo(7);
			assertThat(RpcFixture.CODEC.read(MessagePackBuffers.get().unpacker(response.payload()),
					RpcFixture.CODEC.valueType(String.class)))
				.isEqualTo("30 to savings");
			raw.sendRequest(8, "Accounts.transfer", Metadata.EMPTY, (packer) -> {
				packer.packMapHeader(1);
				packer.packString("recipient");
				packer.packString("savings");
			});
			Frame error = raw.readFrame();
			assertThat(error).isInstanceOfSatisfying(Frame.Error.class, (failure) -> {
				assertThat(failure.callId()).isEqualTo(8);
				assertThat(failure.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
				assertThat(failure.message()).contains("recipient");
			});
		}
	}

	@Test
	void stackTracesAreSentOnlyWhenExposed() {
		Accounts hidden = accounts();
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> hidden.fail("custom"))
			.satisfies((ex) -> assertThat(ex.getRemoteStackTrace()).isNull());
		Accounts exposed = accounts((builder) -> builder.exposeStackTraces(true),
				new ExceptionFactory(List.of(), null));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> exposed.fail("custom"))
			.satisfies((ex) -> assertThat(ex.getRemoteStackTrace()).contains(LedgerLockedException.class.getName())
				.contains("ledger is locked")
				.contains("AccountsService.fail"));
	}

	@Test
	void anExposedRemoteStackTraceShowsInTheLocalOne() {
		Accounts exposed = accounts((builder) -> builder.exposeStackTraces(true),
				new ExceptionFactory(List.of(), null));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> exposed.fail("state"))
			.satisfies((ex) -> {
				Throwable remote = ex.getCause().getCause();
				assertThat(remote).isNotNull().hasMessage("java.lang.IllegalStateException: bad state");
				assertThat(remote.getStackTrace()[0].getClassName()).isEqualTo(AccountsService.class.getName());
				assertThat(remote.getStackTrace()[0].getMethodName()).isEqualTo("fail");
				StringWriter printed = new StringWriter();
				ex.printStackTrace(new PrintWriter(printed));
				assertThat(printed.toString()).contains("Caused by: remote java.lang.IllegalStateException: bad state")
					.contains("at " + AccountsService.class.getName() + ".fail(ExceptionPropagationTests.java:");
			});
	}

	public interface Accounts {

		long withdraw(long amount) throws InsufficientFundsException;

		CompletableFuture<Long> withdrawAsync(long amount) throws InsufficientFundsException;

		long deposit(long amount);

		String transfer(long amount, String to);

		void fail(String kind);

		void failWith(String exceptionClass, String message) throws IOException;

	}

	public interface Branches {

		List<String> list();

	}

	public static class InsufficientFundsException extends Exception {

		private static final long serialVersionUID = 1L;

		public InsufficientFundsException(String message) {
			super(message);
		}

	}

	public static class LedgerLockedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public LedgerLockedException(String message) {
			super(message);
		}

	}

	static class AccountsService implements Accounts {

		private long balance = 100;

		@Override
		public long withdraw(long amount) throws InsufficientFundsException {
			if (amount > this.balance) {
				throw new InsufficientFundsException("balance " + this.balance + " is less than " + amount);
			}
			this.balance -= amount;
			return this.balance;
		}

		@Override
		public CompletableFuture<Long> withdrawAsync(long amount) {
			return CompletableFuture
				.failedFuture(new InsufficientFundsException("balance " + this.balance + " is less than " + amount));
		}

		@Override
		public synchronized long deposit(long amount) {
			this.balance += amount;
			return this.balance;
		}

		@Override
		public String transfer(long amount, String to) {
			return amount + " to " + to;
		}

		@Override
		public void fail(String kind) {
			switch (kind) {
				case "argument" -> throw new IllegalArgumentException("bad argument");
				case "state" -> throw new IllegalStateException("bad state");
				case "element" -> throw new NoSuchElementException("no element");
				case "operation" -> throw new UnsupportedOperationException("not supported");
				case "custom" -> throw new LedgerLockedException("ledger is locked");
				case "quota" -> throw new QuotaExceededException("quota of 3 exceeded");
				case "exhausted" -> throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "too many withdrawals");
				default -> throw new AssertionError(kind);
			}
		}

		@Override
		public void failWith(String exceptionClass, String message) {
			RuntimeException exception;
			try {
				Constructor<? extends RuntimeException> constructor = serverOnlyException(exceptionClass)
					.getConstructor(String.class);
				exception = constructor.newInstance(message);
			}
			catch (ReflectiveOperationException ex) {
				throw new AssertionError(ex);
			}
			throw exception;
		}

		// The class is defined in a class loader of its own, so it exists on the server
		// side only: the client's class loader cannot find it.
		private static Class<? extends RuntimeException> serverOnlyException(String name) {
			return new ByteBuddy()
				.subclass(RuntimeException.class, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_PUBLIC)
				.name(name)
				.make()
				.load(AccountsService.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
				.getLoaded();
		}

	}

	static final class RecordingClassLoader extends ClassLoader {

		final List<String> requested = new ArrayList<>();

		RecordingClassLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			synchronized (this.requested) {
				this.requested.add(name);
			}
			return super.loadClass(name, resolve);
		}

	}

}
