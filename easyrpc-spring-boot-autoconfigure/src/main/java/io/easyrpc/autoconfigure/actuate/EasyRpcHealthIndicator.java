package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.easyrpc.RpcException;

import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of easyrpc: {@code UP} while the server is bound and serving,
 * {@code OUT_OF_SERVICE} while it drains on shutdown, {@code DOWN} when it is not
 * serving. Client targets add their connection state to the details (and, for a target
 * with several instances, how many of them are usable); a target none of whose instances
 * is usable (all failing or ejected) makes the status {@code DOWN}, but only when
 * {@code easyrpc.client.health.down-when-unavailable=true}, since a remote outage should
 * not restart the caller.
 * <p>
 * With {@code easyrpc.client.health.probe=true} each check also pings every target
 * ({@link RpcChannel#ping(Duration)}, all at once, each within the probe timeout) and
 * adds the round trip in milliseconds ({@code pingMillis}) or the failure ({@code ping})
 * to its details; a target that does not answer counts as unavailable.
 */
public class EasyRpcHealthIndicator implements HealthIndicator {

	private final ObjectProvider<RpcServer> server;

	private final ObjectProvider<RpcClientFactory> clients;

	private final boolean downWhenTargetUnavailable;

	private final @Nullable Duration probeTimeout;

	/**
	 * Create the indicator.
	 * @param server the server, if any
	 * @param clients the client factory, if any
	 * @param downWhenTargetUnavailable whether a target whose last connection attempt
	 * failed makes the status {@code DOWN}
	 */
	public EasyRpcHealthIndicator(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			boolean downWhenTargetUnavailable) {
		this(server, clients, downWhenTargetUnavailable, null);
	}

	/**
	 * Create the indicator.
	 * @param server the server, if any
	 * @param clients the client factory, if any
	 * @param downWhenTargetUnavailable whether a target whose last connection attempt
	 * failed makes the status {@code DOWN}
	 * @param probeTimeout how long a ping of each target may take on each check,
	 * {@code null} to ping none
	 */
	public EasyRpcHealthIndicator(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			boolean downWhenTargetUnavailable, @Nullable Duration probeTimeout) {
		this.server = server;
		this.clients = clients;
		this.downWhenTargetUnavailable = downWhenTargetUnavailable;
		this.probeTimeout = probeTimeout;
	}

	@Override
	public Health health() {
		Health.Builder builder = Health.up();
		RpcServer rpcServer = this.server.getIfAvailable();
		if (rpcServer != null) {
			if (rpcServer.isDraining()) {
				builder.outOfService();
			}
			else if (!rpcServer.isRunning()) {
				builder.down();
			}
			builder.withDetail("state", EasyRpcEndpoint.state(rpcServer));
			if (rpcServer.port() >= 0) {
				builder.withDetail("port", rpcServer.port());
			}
			builder.withDetail("connections", rpcServer.connectionCount());
			builder.withDetail("activeCalls", rpcServer.activeCalls());
		}
		RpcClientFactory factory = this.clients.getIfAvailable();
		if (factory != null && !factory.targets().isEmpty()) {
			Map<String, Object> targets = new LinkedHashMap<>();
			boolean unavailable = false;
			List<CompletableFuture<Duration>> pings = new ArrayList<>();
			if (this.probeTimeout != null) {
				for (RpcClientFactory.Target target : factory.targets()) {
					pings.add(target.channel().ping(this.probeTimeout));
				}
			}
			int index = 0;
			for (RpcClientFactory.Target target : factory.targets()) {
				RpcChannel channel = target.channel();
				Map<String, Object> details = new LinkedHashMap<>();
				if (!pings.isEmpty()) {
					unavailable |= !probed(pings.get(index), details);
				}
				index++;
				List<RpcChannel.Instance> instances = channel.instances();
				unavailable |= !usable(channel, instances);
				details.put("state", EasyRpcEndpoint.state(channel));
				details.put("pendingCalls", channel.pendingCalls());
				if (instances.size() > 1) {
					details.put("instances", instances.size());
					details.put("usableInstances", instances.stream().filter(EasyRpcHealthIndicator::usable).count());
				}
				targets.put(target.address(), details);
			}
			builder.withDetail("targets", targets);
			if (unavailable && this.downWhenTargetUnavailable) {
				builder.down();
			}
		}
		return builder.build();
	}

	// Waits for a ping, which ends by itself at the probe timeout, and reports it.
	private static boolean probed(CompletableFuture<Duration> ping, Map<String, Object> details) {
		try {
			Duration roundTrip = ping.join();
			details.put("pingMillis", roundTrip.toNanos() / 1_000_000.0);
			return true;
		}
		catch (CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			details.put("ping", (cause instanceof RpcException rpc) ? rpc.getStatus() + ": " + rpc.getDescription()
					: cause.toString());
			return false;
		}
	}

	// A target is usable while one of its instances is: not failing, not ejected. One
	// whose instances are not known yet counts as usable.
	private static boolean usable(RpcChannel channel, List<RpcChannel.Instance> instances) {
		if (channel.state() == RpcChannel.State.TRANSIENT_FAILURE) {
			return false;
		}
		return instances.isEmpty() || instances.stream().anyMatch(EasyRpcHealthIndicator::usable);
	}

	private static boolean usable(RpcChannel.Instance instance) {
		return !instance.ejected() && instance.state() != RpcChannel.State.TRANSIENT_FAILURE
				&& instance.state() != RpcChannel.State.SHUTDOWN;
	}

}
