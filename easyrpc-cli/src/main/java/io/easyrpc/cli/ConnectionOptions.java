package io.easyrpc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLException;

import io.easyrpc.client.GenericRpcClient;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.transport.RpcAddress;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command shares: how to reach and authenticate to the server.
 */
final class ConnectionOptions {

	/** The environment variable read for the shared secret when no option gives one. */
	static final String SECRET_VARIABLE = "EASYRPC_SECRET";

	@Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
			description = "Deadline of each call, e.g. 500ms, 5s, PT1M (default: ${DEFAULT-VALUE}).")
	Duration timeout = Duration.ofSeconds(10);

	@Option(names = "--connect-timeout", defaultValue = "5s", converter = DurationConverter.class,
			description = "How long connecting may take (default: ${DEFAULT-VALUE}).")
	Duration connectTimeout = Duration.ofSeconds(5);

	@Option(names = "--tls", description = "Connect over TLS (implied by --ca-cert, --insecure and wss://).")
	boolean tls;

	@Option(names = "--ca-cert", paramLabel = "FILE",
			description = "PEM file of the certificate authorities to trust instead of the JDK's.")
	@Nullable Path caCert;

	@Option(names = "--insecure", description = "Trust any server certificate (TLS without verification).")
	boolean insecure;

	@Option(names = "--server-name", paramLabel = "NAME",
			description = "Host name sent (SNI) and checked in the server certificate instead of the address's host.")
	@Nullable String serverName;

	@Option(names = "--secret", paramLabel = "SECRET",
			description = "Shared secret for the server's handshake (visible in the process list: prefer "
					+ "--secret-file or $" + SECRET_VARIABLE + ").")
	@Nullable String secret;

	@Option(names = "--secret-file", paramLabel = "FILE",
			description = "File holding the shared secret; one trailing line break is ignored.")
	@Nullable Path secretFile;

	/**
	 * Open a channel to the address with these options.
	 */
	RpcChannel channel(CommandLine commandLine, String address, Map<String, String> environment) {
		RpcAddress parsed = address(commandLine, address);
		RpcChannel.Builder builder = RpcChannel.builder(parsed).connectTimeout(this.connectTimeout).keepAlive(null);
		SslContext ssl = sslContext();
		if (ssl != null) {
			builder.sslContext(ssl);
		}
		if (this.serverName != null) {
			builder.sslServerName(this.serverName);
		}
		String sharedSecret = sharedSecret(environment);
		if (sharedSecret != null) {
			builder.sharedSecret(sharedSecret);
		}
		return builder.build();
	}

	GenericRpcClient client(RpcChannel channel, boolean validate) {
		return GenericRpcClient.builder(channel).timeout(this.timeout).validate(validate).build();
	}

	// host:port is short for tcp://host:port.
	private static RpcAddress address(CommandLine commandLine, String address) {
		String text = address.contains(":/") || address.startsWith("unix:") || address.startsWith("inproc:") ? address
				: "tcp://" + address;
		try {
			return RpcAddress.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new CommandLine.ParameterException(commandLine,
					"Invalid address '" + address + "': " + ex.getMessage());
		}
	}

	private @Nullable SslContext sslContext() {
		if (!this.tls && this.caCert == null && !this.insecure) {
			return null;
		}
		try {
			SslContextBuilder builder = SslContextBuilder.forClient();
			if (this.insecure) {
				builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
			}
			else if (this.caCert != null) {
				builder.trustManager(this.caCert.toFile());
			}
			return builder.build();
		}
		catch (SSLException | IllegalArgumentException ex) {
			throw new IllegalStateException(
					"Cannot read the CA certificates in " + this.caCert + ": " + ex.getMessage(), ex);
		}
	}

	private @Nullable String sharedSecret(Map<String, String> environment) {
		if (this.secret != null) {
			return this.secret;
		}
		if (this.secretFile != null) {
			try {
				String text = Files.readString(this.secretFile, StandardCharsets.UTF_8);
				if (text.endsWith("\r\n")) {
					return text.substring(0, text.length() - 2);
				}
				return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read the secret file " + this.secretFile + ": " + ex, ex);
			}
		}
		String fromEnvironment = environment.get(SECRET_VARIABLE);
		return (fromEnvironment != null && !fromEnvironment.isEmpty()) ? fromEnvironment : null;
	}

}
