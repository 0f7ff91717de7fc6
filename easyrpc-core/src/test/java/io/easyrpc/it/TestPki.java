package io.easyrpc.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * A certificate authority made at test time with Netty's pkitesting, and the server and
 * client certificates it issues. The server certificate is valid for {@code localhost}
 * and {@code 127.0.0.1}.
 */
public final class TestPki {

	private final X509Bundle ca;

	private final X509Bundle server;

	private final X509Bundle client;

	private TestPki(X509Bundle ca, X509Bundle server, X509Bundle client) {
		this.ca = ca;
		this.server = server;
		this.client = client;
	}

	/**
	 * Make a new authority and its certificates.
	 * @param name a name for the authority, part of every subject
	 * @return the authority
	 */
	public static TestPki create(String name) {
		try {
			Instant now = Instant.now();
			CertificateBuilder template = new CertificateBuilder().notBefore(now.minus(1, ChronoUnit.HOURS))
				.notAfter(now.plus(1, ChronoUnit.DAYS))
				.ecp256();
			X509Bundle ca = template.copy()
				.subject("CN=" + name + " test CA")
				.setIsCertificateAuthority(true)
				.buildSelfSigned();
			X509Bundle server = template.copy()
				.subject("CN=localhost, O=" + name)
				.addSanDnsName("localhost")
				.addSanIpAddress("127.0.0.1")
				.addExtendedKeyUsageServerAuth()
				.buildIssuedBy(ca);
			X509Bundle client = template.copy()
				.subject("CN=client, O=" + name)
				.addExtendedKeyUsageClientAuth()
				.buildIssuedBy(ca);
			return new TestPki(ca, server, client);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot make test certificates", ex);
		}
	}

	public X509Bundle ca() {
		return this.ca;
	}

	public X509Bundle server() {
		return this.server;
	}

	public X509Bundle client() {
		return this.client;
	}

	/**
	 * A server context with this authority's server certificate.
	 * @param clientAuth whether clients must present a certificate
	 * @param clientCa the authority client certificates must chain to, or {@code null}
	 * @return the context
	 */
	public SslContext serverContext(ClientAuth clientAuth, TestPki clientCa) {
		try {
			SslContextBuilder builder = SslContextBuilder.forServer(this.server.toKeyManagerFactory())
				.clientAuth(clientAuth);
			if (clientCa != null) {
				builder.trustManager(clientCa.ca.toTrustManagerFactory());
			}
			return builder.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A server context without client authentication.
	 * @return the context
	 */
	public SslContext serverContext() {
		return serverContext(ClientAuth.NONE, null);
	}

	/**
	 * A client context that trusts this authority only.
	 * @param withCertificate whether to present this authority's client certificate
	 * @return the context
	 */
	public SslContext clientContext(boolean withCertificate) {
		try {
			SslContextBuilder builder = SslContextBuilder.forClient().trustManager(this.ca.toTrustManagerFactory());
			if (withCertificate) {
				builder.keyManager(this.client.toKeyManagerFactory());
			}
			return builder.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Write the authority's certificate and the server and client certificates and keys
	 * as PEM files: {@code ca.crt}, {@code server.crt}, {@code server.key},
	 * {@code client.crt}, {@code client.key}.
	 * @param directory the directory
	 * @throws IOException if a file cannot be written
	 */
	public void writePem(Path directory) throws IOException {
		write(directory.resolve("ca.crt"), this.ca.getRootCertificatePEM());
		write(directory.resolve("server.crt"), this.server.getCertificatePathPEM());
		write(directory.resolve("server.key"), this.server.getPrivateKeyPEM());
		write(directory.resolve("client.crt"), this.client.getCertificatePathPEM());
		write(directory.resolve("client.key"), this.client.getPrivateKeyPEM());
	}

	private static void write(Path file, String content) throws IOException {
		Files.createDirectories(file.getParent());
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temporary, content, StandardCharsets.US_ASCII);
		Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

}
