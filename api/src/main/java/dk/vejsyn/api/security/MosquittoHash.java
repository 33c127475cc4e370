package dk.vejsyn.api.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes in the form Mosquitto's {@code password_file} reads (2.0):
 * {@code $7$<iterations>$<base64 salt>$<base64 hash>}, PBKDF2-HMAC-SHA512 with a 12-byte salt and a
 * 64-byte result, as {@code mosquitto_passwd} writes them. The broker cannot read bcrypt, so a
 * vehicle token gets this second hash when it is made, the only moment its plaintext exists.
 *
 * <p>{@value #ITERATIONS} iterations, {@code mosquitto_passwd}'s own count (the broker reads the
 * count from the hash and accepts others): what is hashed here is a token with 256 random bits,
 * which no iteration count makes easier or harder to guess, while every iteration costs the broker
 * on every connect.
 */
public final class MosquittoHash {
    public static final int ITERATIONS = 101;
    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;
    private static final Pattern FORMAT = Pattern.compile("\\$7\\$([0-9]{1,7})\\$([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoHash() {}

    /** A new hash of {@code password} with a random salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return format(ITERATIONS, salt, pbkdf2(password, salt, ITERATIONS, HASH_BYTES));
    }

    /** Whether {@code hash} (in the {@code $7$} form) is a hash of {@code password}; false when malformed. */
    public static boolean matches(String password, String hash) {
        Matcher m = hash == null ? null : FORMAT.matcher(hash);
        if (m == null || !m.matches()) {
            return false;
        }
        int iterations = Integer.parseInt(m.group(1));
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(m.group(2));
            expected = Base64.getDecoder().decode(m.group(3));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (iterations < 1 || salt.length == 0 || expected.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations, expected.length));
    }

    private static String format(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations, int bytes) {
        // PBEKeySpec takes chars and the JDK's PBKDF2 encodes them as UTF-8, as Mosquitto hashes the raw bytes.
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

}
