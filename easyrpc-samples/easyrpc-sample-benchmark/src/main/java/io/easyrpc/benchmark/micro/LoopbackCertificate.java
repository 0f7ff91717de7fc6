package io.easyrpc.benchmark.micro;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * A self-signed EC P-256 certificate for {@code 127.0.0.1} made at start-up with Netty's
 * pkitesting, and the server and client TLS contexts that use it.
 */
final class LoopbackCertificate {

	private final X509Bundle certificate;

	private LoopbackCertificate(X509Bundle certificate) {
		this.certificate = certificate;
	}

	static LoopbackCertificate create() {
		try {
			Instant now = Instant.now();
			X509Bundle certificate = new CertificateBuilder().notBefore(now.minus(1, ChronoUnit.HOURS))
				.notAfter(now.plus(1, ChronoUnit.DAYS))
				.ecp256()
				.subject("CN=localhost")
				.addSanDnsName("localhost")
				.addSanIpAddress("127.0.0.1")
				.setIsCertificateAuthority(true)
				.buildSelfSigned();
			return new LoopbackCertificate(certificate);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot make a certificate", ex);
		}
	}

	SslContext serverContext() {
		try {
			return SslContextBuilder.forServer(this.certificate.toKeyManagerFactory()).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	SslContext clientContext() {
		try {
			return SslContextBuilder.forClient().trustManager(this.certificate.toTrustManagerFactory()).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
