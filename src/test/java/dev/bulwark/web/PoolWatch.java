package dev.bulwark.web;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/** Samples a Hikari pool's active connections every 2 ms on a platform thread, keeping the most seen, until closed. */
public final class PoolWatch implements AutoCloseable {

    private final AtomicInteger max = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final Thread sampler;

    private PoolWatch(HikariPoolMXBean pool) {
        sampler = Thread.ofPlatform().daemon().name("pool-watch").start(() -> {
            while (watching.get()) {
                max.accumulateAndGet(pool.getActiveConnections(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static PoolWatch start(DataSource dataSource) throws java.sql.SQLException {
        return new PoolWatch(dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean());
    }

    /** The most active connections seen so far. */
    public int max() {
        return max.get();
    }

    @Override
    public void close() throws InterruptedException {
        watching.set(false);
        sampler.join();
    }
}
