package io.easyrpc.autoconfigure.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

/**
 * easyrpc's meters beside the request timers: the gauges
 * {@code easyrpc.server.connections} and {@code easyrpc.server.active.requests}, the
 * counter {@code easyrpc.server.rejected} (tag {@code reason}: calls refused before they
 * ran and connections refused by connection middleware) and the counter
 * {@code easyrpc.server.dedup} (tag {@code outcome}: {@code hit} when a re-send took a
 * kept outcome, {@code joined} when it joined the running call, {@code stored} when an
 * outcome was kept) when the application serves, and, per client target, the gauge
 * {@code easyrpc.client.pending} (tag {@code target}: the target name, or the address of
 * clients given by URL).
 */
public class EasyRpcMetrics implements MeterBinder, ServerCallObserver {

	private final ObjectProvider<RpcServer> server;

	private final ObjectProvider<RpcClientFactory> clients;

	private final ObjectProvider<EasyRpcClientProperties> clientProperties;

	private volatile MeterRegistry registry;

	/**
	 * Create the binder.
	 * @param server the server, if any
	 * @param clients the client factory, if any
	 * @param clientProperties the client properties, if clients are enabled
	 */
	public EasyRpcMetrics(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			ObjectProvider<EasyRpcClientProperties> clientProperties) {
		this.server = server;
		this.clients = clients;
		this.clientProperties = clientProperties;
	}

	// Boot binds meter binders once every singleton exists, so the server and the
	// client proxies, hence their targets, are known here.
	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		if (this.server.getIfAvailable() != null) {
			Gauge.builder("easyrpc.server.connections", this, (metrics) -> metrics.serverValue(false))
				.description("Open connections to the easyrpc server")
				.register(registry);
			Gauge.builder("easyrpc.server.active.requests", this, (metrics) -> metrics.serverValue(true))
				.description("Calls the easyrpc server is serving")
				.register(registry);
		}
		RpcClientFactory factory = this.clients.getIfAvailable();
		if (factory == null) {
			return;
		}
		Set<String> targets = new LinkedHashSet<>();
		EasyRpcClientProperties properties = this.clientProperties.getIfAvailable();
		if (properties != null) {
			targets.addAll(properties.getTargets().keySet());
		}
		for (RpcClientFactory.Target target : factory.targets()) {
			if (target.names().isEmpty()) {
				targets.add(target.address());
			}
		}
		for (String target : targets) {
			Gauge.builder("easyrpc.client.pending", this, (metrics) -> metrics.pending(target))
				.tag("target", target)
				.description("Calls to the target waiting for a response")
				.register(registry);
		}
	}

	private double serverValue(boolean activeCalls) {
		RpcServer rpcServer = this.server.getIfAvailable();
		if (rpcServer == null) {
			return 0;
		}
		return activeCalls ? rpcServer.activeCalls() : rpcServer.connectionCount();
	}

	private double pending(String target) {
		RpcClientFactory factory = this.clients.getIfAvailable();
		if (factory == null) {
			return 0;
		}
		return factory.targets()
			.stream()
			.filter((candidate) -> candidate.names().contains(target) || candidate.address().equals(target))
			.mapToInt((candidate) -> candidate.channel().pendingCalls())
			.sum();
	}

	@Override
	public CallObservation start(CallInfo call) {
		return null;
	}

	@Override
	public void rejected(String methodKey, String reason) {
		countRejected(reason);
	}

	@Override
	public void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
		countRejected(decision.reason());
	}

	@Override
	public void deduplicated(String methodKey, String outcome) {
		MeterRegistry meters = this.registry;
		if (meters != null) {
			Counter.builder("easyrpc.server.dedup")
				.tag("outcome", outcome)
				.description("Calls the easyrpc server de-duplicated by idempotency key")
				.register(meters)
				.increment();
		}
	}

	private void countRejected(String reason) {
		MeterRegistry meters = this.registry;
		if (meters != null) {
			Counter.builder("easyrpc.server.rejected")
				.tag("reason", reason)
				.description("Calls and connections the easyrpc server refused")
				.register(meters)
				.increment();
		}
	}

}
