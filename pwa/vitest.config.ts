import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [preact()],
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Catalogues and lazily loaded screens at hand (see the file).
    setupFiles: ['tests/unit/setup.ts'],
  },
});
