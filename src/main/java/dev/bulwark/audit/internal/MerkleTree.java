package dev.bulwark.audit.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 6962 / RFC 9162 over a chain's event hashes: leaf = SHA-256(0x00 || event hash), node =
 * SHA-256(0x01 || left || right), the empty tree's root = SHA-256(""). Hand-written because no maintained Java
 * library offers RFC 6962 trees with proofs; it is small and the tests check it against an independent verifier.
 *
 * <p>{@link Range} is the compact range (the roots of the perfect subtrees that make up a tree of {@code size}
 * leaves, largest first), which appends in O(log n) and yields the root at any size; the proofs are computed from the
 * leaves of the tree they are about, as RFC 6962 section 2.1 defines them.
 */
public final class MerkleTree {

    public static final int HASH = 32;

    private MerkleTree() {
    }

    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** The leaf hash of an event hash. */
    public static byte[] leaf(byte[] eventHash) {
        MessageDigest sha = sha256();
        sha.update((byte) 0);
        sha.update(eventHash);
        return sha.digest();
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 1);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** The compact range of a tree: appends leaves and gives the root, without keeping the leaves. */
    public static final class Range {
        private long size;
        private final List<byte[]> roots = new ArrayList<>();
        private final MessageDigest sha = sha256();

        public Range() {
        }

        /** Restores the range of a tree of {@code size} leaves from {@link #frontier()}. */
        public static Range restore(long size, byte[] frontier) {
            if (frontier.length != Long.bitCount(size) * HASH) {
                throw new IllegalArgumentException("a frontier of " + frontier.length + " bytes is not one of size " + size);
            }
            Range range = new Range();
            range.size = size;
            for (int i = 0; i < frontier.length; i += HASH) {
                range.roots.add(Arrays.copyOfRange(frontier, i, i + HASH));
            }
            return range;
        }

        /** Appends the leaf of {@code eventHash}. */
        public void append(byte[] eventHash) {
            sha.update((byte) 0);
            sha.update(eventHash);
            byte[] hash = sha.digest();
            // Each trailing 1 bit of the old size is a perfect subtree of the new leaf's height: merge them.
            for (long s = size; (s & 1) == 1; s >>= 1) {
                byte[] left = roots.removeLast();
                sha.update((byte) 1);
                sha.update(left);
                sha.update(hash);
                hash = sha.digest();
            }
            roots.add(hash);
            size++;
        }

        public long size() {
            return size;
        }

        /** The tree's root: the subtree roots folded from the right. */
        public byte[] root() {
            if (roots.isEmpty()) {
                return emptyRoot();
            }
            byte[] hash = roots.getLast();
            for (int i = roots.size() - 2; i >= 0; i--) {
                hash = node(roots.get(i), hash);
            }
            return hash;
        }

        public byte[] frontier() {
            byte[] out = new byte[roots.size() * HASH];
            for (int i = 0; i < roots.size(); i++) {
                System.arraycopy(roots.get(i), 0, out, i * HASH, HASH);
            }
            return out;
        }
    }

    /**
     * The leaf hashes of a tree, for proofs: {@code leaves} holds the event hashes of leaves 0..n-1, 32 bytes each.
     */
    public static final class Leaves {
        private final byte[][] leafHashes;

        public Leaves(byte[] eventHashes) {
            int n = eventHashes.length / HASH;
            leafHashes = new byte[n][];
            for (int i = 0; i < n; i++) {
                leafHashes[i] = leaf(Arrays.copyOfRange(eventHashes, i * HASH, (i + 1) * HASH));
            }
        }

        public int size() {
            return leafHashes.length;
        }

        /** MTH(D[from:to]). */
        public byte[] root(int from, int to) {
            if (to == from) {
                return emptyRoot();
            }
            if (to - from == 1) {
                return leafHashes[from];
            }
            int k = split(to - from);
            return node(root(from, from + k), root(from + k, to));
        }

        /** PATH(m, D[0:n]): the audit path of leaf {@code m} in the tree of the first {@code n} leaves. */
        public List<byte[]> inclusion(int m, int n) {
            if (m < 0 || m >= n || n > leafHashes.length) {
                throw new IllegalArgumentException("no leaf " + m + " in a tree of " + n);
            }
            List<byte[]> path = new ArrayList<>();
            path(m, 0, n, path);
            return path;
        }

        private void path(int m, int from, int to, List<byte[]> out) {
            if (to - from == 1) {
                return;
            }
            int k = split(to - from);
            if (m < k) {
                path(m, from, from + k, out);
                out.add(root(from + k, to));
            } else {
                path(m - k, from + k, to, out);
                out.add(root(from, from + k));
            }
        }

        /** PROOF(m, D[0:n]): the consistency proof from the tree of {@code m} leaves to that of {@code n}. */
        public List<byte[]> consistency(int m, int n) {
            if (m < 1 || m > n || n > leafHashes.length) {
                throw new IllegalArgumentException("no consistency proof from " + m + " to " + n);
            }
            List<byte[]> proof = new ArrayList<>();
            subproof(m, 0, n, true, proof);
            return proof;
        }

        private void subproof(int m, int from, int to, boolean complete, List<byte[]> out) {
            int n = to - from;
            if (m == n) {
                if (!complete) {
                    out.add(root(from, to));
                }
                return;
            }
            int k = split(n);
            if (m <= k) {
                subproof(m, from, from + k, complete, out);
                out.add(root(from + k, to));
            } else {
                subproof(m - k, from + k, to, false, out);
                out.add(root(from, from + k));
            }
        }
    }

    /** The largest power of two smaller than {@code n} (n ≥ 2). */
    static int split(int n) {
        return Integer.highestOneBit(n - 1);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
