import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: one build serves both hosts (Electron window via file://, headless serve over HTTP).
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
