package io.easyrpc.internal.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.easyrpc.server.ServerMethod;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions thrown while serving a call into the error sent to the caller, and
 * logs the unexpected ones once, with the method key.
 */
final class ExceptionMapper {

	private static final Logger logger = LoggerFactory.getLogger(RpcServer.class);

	private final List<RpcExceptionResolver> resolvers;

	private final boolean exposeStackTraces;

	ExceptionMapper(List<RpcExceptionResolver> resolvers, boolean exposeStackTraces) {
		this.resolvers = List.copyOf(resolvers);
		this.exposeStackTraces = exposeStackTraces;
	}

	RpcException map(Throwable thrown, ServerMethod method) {
		Throwable exception = unwrap(thrown);
		for (RpcExceptionResolver resolver : this.resolvers) {
			RpcException resolved;
			try {
				resolved = resolver.resolve(exception, method);
			}
			catch (RuntimeException ex) {
				logger.error("easyrpc exception resolver {} failed on {}", resolver, exception, ex);
				continue;
			}
			if (resolved != null) {
				return resolved;
			}
		}
		if (exception instanceof RpcException rpcException) {
			return rpcException;
		}
		String key = (method != null) ? method.key() : "?";
		String className = exception.getClass().getName();
		if (exception instanceof Error) {
			logger.error("easyrpc method {} failed with an error", key, exception);
			return new RpcException(RpcStatus.INTERNAL, exception.getMessage(), className, stackTrace(exception), null);
		}
		if (method == null || !method.declares(exception)) {
			logger.warn("easyrpc method {} threw an unexpected exception", key, exception);
		}
		return new RpcException(RpcStatus.APPLICATION_ERROR, exception.getMessage(), className, stackTrace(exception),
				null);
	}

	private String stackTrace(Throwable exception) {
		if (!this.exposeStackTraces) {
			return null;
		}
		StringWriter text = new StringWriter();
		exception.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

	static Throwable unwrap(Throwable exception) {
		Throwable current = exception;
		while ((current instanceof CompletionException || current instanceof ExecutionException
				|| current instanceof InvocationTargetException || current instanceof UndeclaredThrowableException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
